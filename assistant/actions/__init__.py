"""Rasa custom actions for the ward reception assistant (rasa-sdk action server, Python 3.11).

Run: ``SANIC_HOST=127.0.0.1 .venv/bin/python -m assistant.actions -p 5055``.
The action classes are thin; the logic lives in plain modules (answers, language, options, bridge_client).
"""
