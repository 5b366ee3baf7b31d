"""`python -m kiosk ...` entry point."""

from kiosk.cli import main

raise SystemExit(main())
