"""Dossier (hồ sơ) status lookup: code validation, statuses, sources (local DB, provincial HTTP) and lockout."""
