"""``python -m assistant.actions``: the action server (see ``assistant.actions.server``)."""

from assistant.actions.server import main

if __name__ == "__main__":
    main()
