"""Custom Rasa graph components of the assistant (loaded by Rasa 3.6 in .venv-rasa, Python 3.10)."""
