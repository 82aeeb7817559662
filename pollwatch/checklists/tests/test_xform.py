"""The XForms we serve pass ODK Validate (the checker ODK Collect's engine, JavaRosa, runs),
including the district protocol's choice filter on stations.csv and the equation notes."""

import shutil

import pytest

from pollwatch.checklists.models import FormVersion
from pollwatch.checklists.services import install_templates

from .test_protocols import districts  # noqa: F401  (fixture)


@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate needs Java")
def test_every_built_in_xform_passes_odk_validate(world, districts, tmp_path):  # noqa: F811
    from pyxform.validators.odk_validate import ODKValidateError, check_xform

    install_templates(world.alpha, "test")
    versions = list(FormVersion.objects.filter(form__mission=world.alpha).select_related("form"))
    assert len(versions) == 6
    problems = {}
    for version in versions:
        path = tmp_path / f"{version.form.code}.xml"
        path.write_text(version.xform, encoding="utf-8")
        try:
            check_xform(str(path))
        except ODKValidateError as exc:
            problems[version.form.code] = str(exc)
    assert problems == {}
