"""Rasa's own command line with the assistant's Rasa patches installed first (runs in ``.venv-rasa``).

    .venv-rasa/bin/python -m assistant.rasa_launcher run|train|test|data validate …   (same arguments as `rasa`)

It installs ``assistant.components.patches.PATCHES`` (or none: ``LETANSO_RASA_PATCHES=0``, or a Rasa version
they were not checked against), says which on stderr, and hands over to ``rasa.__main__.main``. Everything that
starts Rasa in this project goes through here, so the patches never depend on which components a model lists.

For `run` it also picks the endpoints file from LETANSO_TRACKER_STORE (memory, sql or redis; unless
`--endpoints` is given) and fills in the LETANSO_ variables that file expands (assistant/rasa_stores.py), and it
refuses `--enable-api` without `--auth-token`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> None:
    """Install the patches, then run Rasa's CLI with ``argv`` (default: this process's arguments)."""
    from assistant import rasa_stores
    from assistant.components.patches import SWITCH, install_all

    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["run"]:
        try:
            plan = rasa_stores.plan_run(args, {**rasa_stores.read_dotenv(Path(".env")), **os.environ})
        except rasa_stores.StoreConfigError as exc:
            print(f"assistant.rasa_launcher: {exc}", file=sys.stderr, flush=True)
            raise SystemExit(2) from None
        rasa_stores.apply(plan)
        args = plan.argv
        print(f"assistant.rasa_launcher: Rasa {plan.summary}", file=sys.stderr, flush=True)

    installed = install_all()
    summary = ", ".join(installed) if installed else f"none (stock Rasa; {SWITCH}=0 or another Rasa version)"
    print(f"assistant.rasa_launcher: Rasa patches: {summary}", file=sys.stderr, flush=True)

    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *args]
    rasa_main()


if __name__ == "__main__":
    main()
