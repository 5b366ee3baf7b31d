"""Tests that run inside Rasa 3.6 (.venv-rasa): our graph components and the Rasa patches."""
