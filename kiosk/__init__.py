"""Kiosk speech loop: audio in, vosk speech-to-text, the assistant's dialogue, espeak-ng speech out."""
