"""The bridge's redaction: `assistant.privacy` (shared with the action server), named here for bridge code."""

from assistant.privacy import RedactingFilter, install_log_redaction, keywords, redact

__all__ = ["RedactingFilter", "install_log_redaction", "keywords", "redact"]
