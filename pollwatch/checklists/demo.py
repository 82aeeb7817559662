"""The demo's forms: the built-in checklists, incident report and a result protocol per
contest, installed and published for the demo mission (a step of ``pollwatch demo``)."""

from __future__ import annotations

from typing import Any

from .services import install_templates

ACTOR = "demo"


def install_demo_forms(demo: Any) -> None:
    """Install and publish the built-in forms of ``demo.mission`` (English, Russian, Kazakh)."""
    forms = install_templates(demo.mission, ACTOR)
    keywords = ", ".join(f"{form.sms_keyword} {form.code}" for form in forms if form.sms_keyword)
    demo.notes.append(f"Forms published ({len(forms)}), SMS keywords: {keywords}")
