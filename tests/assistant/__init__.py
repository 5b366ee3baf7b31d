"""Tests of the Rasa action server and dialogue data."""
