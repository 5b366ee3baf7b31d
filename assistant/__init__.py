"""Ward reception assistant: Rasa dialogue project, action server and the FastAPI bridge."""
