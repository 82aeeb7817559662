"""The demo's forms: the built-in checklists, incident report and a result protocol per
contest, installed and published for the demo mission in English, Russian and Kazakh."""

from __future__ import annotations

from pollwatch.checklists.services import install_templates

from .context import ACTOR, Demo


def install_forms(demo: Demo) -> None:
    """Install and publish the built-in forms of the demo's mission (a step of the build)."""
    forms = install_templates(demo.mission, ACTOR)
    keywords = ", ".join(f"{form.sms_keyword} {form.code}" for form in forms if form.sms_keyword)
    demo.notes.append(f"Forms published ({len(forms)}), SMS keywords: {keywords}")
