"""Rasa's own command line with the assistant's Rasa patches installed first (runs in ``.venv-rasa``).

    .venv-rasa/bin/python -m assistant.rasa_launcher run|train|test|data validate …   (same arguments as `rasa`)

It installs ``assistant.components.patches.PATCHES`` (or none: ``LETANSO_RASA_PATCHES=0``, or a Rasa version
they were not checked against), says which on stderr, and hands over to ``rasa.__main__.main``. Everything that
starts Rasa in this project goes through here, so the patches never depend on which components a model lists.
"""
from __future__ import annotations

import sys
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> None:
    """Install the patches, then run Rasa's CLI with ``argv`` (default: this process's arguments)."""
    from assistant.components.patches import SWITCH, install_all

    installed = install_all()
    summary = ", ".join(installed) if installed else f"none (stock Rasa; {SWITCH}=0 or another Rasa version)"
    print(f"assistant.rasa_launcher: Rasa patches: {summary}", file=sys.stderr, flush=True)

    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
