"""FastAPI bridge: dossier status, desks and queue tickets, staff knowledge editing, search passthrough."""
