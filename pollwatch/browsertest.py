"""Support for the browser tests: Playwright driving the system's Chromium (never a download).

The ``browser`` and ``signed_in`` fixtures are in pollwatch/conftest.py; tests that use them
carry ``pytest.mark.browser``.
"""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
#: Without the background-networking flags Chromium keeps trying hosts a closed network refuses.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 360, "height": 740}
#: The README's screenshots. Tests write them here only when POLLWATCH_SCREENSHOTS=1
#: (`make screenshots`), so that a test run leaves the working tree as it found it.
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def screenshot_folder(tmp_path: Path) -> Path:
    """Where a test saves its screenshots: the docs when asked to update them, else a temp dir."""
    folder = SCREENSHOTS if os.environ.get("POLLWATCH_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def fill_opening(page) -> None:
    """Answer the required questions of the built-in opening form on the observer page."""
    page.fill("#q-arrived_at", "06:40")
    page.fill("#q-opened_at", "07:00")
    for name, index in [("opened_on_time", 0), ("unauthorised_present", 1), ("boxes_shown_empty", 0),
                        ("boxes_sealed", 0), ("observers_can_see", 0), ("assessment", 1)]:
        page.click(f"label[for='q-{name}-{index}']")
