"""Personal data out of what we keep: `redact` (placeholders for names, ID/phone/dossier numbers), `keywords`
(the folded keyword form stored for reports instead of a question) and a logging filter.

Imports only knowledge_base's text helpers, pydantic and yaml, so the bridge, the action server and the kiosk
can all use it.
"""

from assistant.privacy.keywords import keywords
from assistant.privacy.logs import RedactingFilter, install_log_redaction
from assistant.privacy.redaction import personal_spans, redact

__all__ = ["keywords", "redact", "personal_spans", "RedactingFilter", "install_log_redaction"]
