"""Run the real bridge app under uvicorn (same logging as `serve`) with the recording fake searcher.

Used by the process-level tests (kill -9 durability, log privacy): `python -m tests.bridge.fake_search_server --port N`.
Settings come from the environment exactly as for `python -m assistant.bridge serve`.
"""

from __future__ import annotations

import argparse

from assistant.bridge.main import create_app
from assistant.bridge.serving import run
from assistant.bridge.settings import BridgeSettings
from kiosk.settings import KioskSettings
from knowledge_base.settings import SearchSettings
from tests.bridge.fakes import RecordingSearcher


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    settings = BridgeSettings()
    app = create_app(
        settings, search_settings=SearchSettings(), kiosk_settings=KioskSettings(), searcher=RecordingSearcher()
    )
    run(app, settings, host="127.0.0.1", port=args.port)


if __name__ == "__main__":
    main()
