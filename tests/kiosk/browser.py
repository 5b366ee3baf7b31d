"""Headless Debian Chromium with a WAV file as the fake microphone (never a downloaded browser)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from tests.kiosk.support import CHROMIUM, CHROMIUM_ARGS


@contextlib.contextmanager
def chromium_with_microphone(wav: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, f"--use-file-for-fake-audio-capture={wav}"]
        )
        try:
            yield browser
        finally:
            browser.close()
