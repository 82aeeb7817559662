"""The XForm that ODK Collect and Enketo download, written by pyxform.

The form id is stable per form (``<mission>-<form code>``) and the ``version`` attribute is
the version number, so a phone holding an older version is told a newer one exists. The
instance always carries ``meta/instanceID`` (pyxform adds it), which OpenRosa intake uses as
the idempotency key.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Mapping
from typing import Any

from pyxform.builder import create_survey_element_from_dict
from pyxform.errors import PyXFormError

from .xlsform import FormDefinitionError


def build_xform(pyxform_data: Mapping[str, Any], *, form_id: str, version: int | str,
                title: str = "") -> str:
    """The XForm XML for pyxform's form description, with our id, version and title."""
    data = copy.deepcopy(dict(pyxform_data))
    data["id_string"] = form_id
    data["version"] = str(version)
    data["name"] = "data"
    if title:
        data["title"] = title
    try:
        survey = create_survey_element_from_dict(data)
        return survey.to_xml(validate=False, pretty_print=True, warnings=[])
    except PyXFormError as exc:
        raise FormDefinitionError([str(exc)], form_id)


def xform_hash(xml: str) -> str:
    """The OpenRosa form list hash: ``md5:<hex>`` of the XML."""
    return "md5:" + hashlib.md5(xml.encode("utf-8"), usedforsecurity=False).hexdigest()
