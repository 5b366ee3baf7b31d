"""Queue board benchmark: how long from a desk's "call next" (HTTP answer) until the hall board in Chromium shows
the number, and until the board has fetched the spoken announcement (real kiosk TTS engine unless --fake-tts).
Each call waits until the previous announcement has finished playing (announcements are spoken one after another).

Usage: .venv/bin/python benchmarks/bench_queue_board.py [--calls 10] [--fake-tts]
Runs a real bridge (uvicorn, temp SQLite) on a free port and headless Debian Chromium.
Prints figures; asserts nothing (tests check behaviour, this measures it).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.bridge.auth import create_token  # noqa: E402
from assistant.bridge.main import create_app  # noqa: E402
from assistant.bridge.queue_speech import Announcer  # noqa: E402
from assistant.bridge.settings import BridgeSettings  # noqa: E402
from tests.bridge.fakes import RecordingSearcher  # noqa: E402
from tests.bridge.web_support import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402
from tests.kiosk.fakes import FakeTextToSpeech  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--fake-tts", action="store_true", help="a silent recording engine instead of the kiosk's")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from assistant.bridge.knowledge import default_knowledge_sources
    from kiosk.settings import KioskSettings
    from knowledge_base.settings import SearchSettings

    with tempfile.TemporaryDirectory() as data_dir:
        settings = BridgeSettings(_env_file=None, data_dir=Path(data_dir), database_url=None)
        search_settings = SearchSettings()
        app = create_app(
            settings,
            search_settings=search_settings,
            kiosk_settings=KioskSettings(),
            searcher=RecordingSearcher(),
            knowledge_sources=default_knowledge_sources(search_settings),
        )
        if args.fake_tts:
            app.state.board_announcer = Announcer(FakeTextToSpeech)
        with serve(app) as url, sync_playwright() as playwright:
            token = create_token(app.state.services.db, role="desk", name="bench", desk="Q1")[0]
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS + ["--autoplay-policy=no-user-gesture-required"]
            )
            board = browser.new_context(bypass_csp=True).new_page()  # wait_for_function evaluates strings
            board.goto(url + "/board")
            board.wait_for_selector("#desk-Q1")
            shown, fetched = [], []
            with httpx.Client(base_url=url) as http:
                for _ in range(args.calls):
                    number = http.post("/api/tickets", json={"desk": "Q1"}).json()["number"]
                    start = time.perf_counter()
                    called = http.post("/api/desk/call-next", headers={"Authorization": f"Bearer {token}"}).json()
                    board.wait_for_function(
                        f"document.querySelector('#desk-Q1 .number').textContent === '{number}'",
                        polling=10,
                        timeout=10_000,
                    )
                    shown.append(time.perf_counter() - start)
                    board.wait_for_function(
                        f"document.body.dataset.fetchedCall === '{called['call_id']}'", polling=10, timeout=20_000
                    )
                    fetched.append(time.perf_counter() - start)
                    board.wait_for_function(
                        f"document.body.dataset.spokenCall === '{called['call_id']}'", polling=10, timeout=30_000
                    )  # the next call starts with the board idle
            browser.close()
    tts = "fake" if args.fake_tts else "kiosk engine"
    print(f"{args.calls} calls, TTS {tts}")
    print(f"board shows the number: median {statistics.median(shown) * 1000:.0f} ms, max {max(shown) * 1000:.0f} ms")
    print(
        f"announcement fetched:   median {statistics.median(fetched) * 1000:.0f} ms, max {max(fetched) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
