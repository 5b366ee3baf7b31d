"""Dossier status: read the dossier code and the last 4 ID digits from what was said, look it up, explain it."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date

from assistant.actions.bridge_client import BridgeClient, BridgeUnavailable
from assistant.actions.replies import Replies
from assistant.actions.reply import Reply

logger = logging.getLogger(__name__)

# National shape <agency code>-<yyMMdd>-<NNNN>, e.g. 000.00.20.H26-250801-0001 (spoken forms may add spaces).
_DOSSIER_CODE = re.compile(r"(?<![0-9A-Za-z.])([0-9A-Za-z]{2,}(?:\.[0-9A-Za-z]+){1,5})-(\d{6})-(\d{4})(?![0-9])")
_SPACED_SEPARATORS = re.compile(r"\s*([.\-])\s*")
_FOUR_DIGITS = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")
MAX_FORM_RETRIES = 2
"""A wrong format is re-asked once (with an example); the second miss ends the form."""


def find_dossier_code(text: str | None) -> str | None:
    """The dossier code in ``text`` (agency part upper-cased), or None."""
    if not text:
        return None
    match = _DOSSIER_CODE.search(_SPACED_SEPARATORS.sub(r"\1", text[:500]))
    if not match:
        return None
    return f"{match.group(1).upper()}-{match.group(2)}-{match.group(3)}"


def find_id_last4(text: str | None) -> str | None:
    """Exactly one group of 4 digits ("1234", "1 2 3 4", "4 số cuối là 1234"), else None."""
    if not text:
        return None
    text = text[:200]
    if re.fullmatch(r"[\d\s.\-]+", text.strip()):
        text = re.sub(r"\D", "", text)
    found = _FOUR_DIGITS.findall(text)
    return found[0] if len(found) == 1 else None


_CLIENT_KEY = re.compile(r"^a-[0-9a-f]{20}$")


def client_key(metadata: object) -> str | None:
    """The citizen's client key from the message metadata (set by the bridge's chat relay), if well formed.

    Not the conversation id: the sender id is chosen by the caller, and a new one per try would dodge the lockout.
    """
    value = metadata.get("client") if isinstance(metadata, dict) else None
    return value if isinstance(value, str) and _CLIENT_KEY.fullmatch(value) else None


def _format_date(value: str | None, language: str) -> str:
    try:
        parsed = date.fromisoformat(value or "")
    except ValueError:
        return value or "?"
    return parsed.strftime("%d/%m/%Y") if language == "vi" else parsed.isoformat()


@dataclass
class DossierService:
    """Looks dossiers up through the bridge. Never logs the code or the digits."""

    bridge: BridgeClient
    replies: Replies

    async def status(
        self, *, code: str | None, id_last4: str | None, language: str, client: str | None = None
    ) -> Reply:
        cleared = {"dossier_code": None, "id_last4": None, "form_retries": 0, "pending_offer": None}
        if not code or not id_last4:
            return Reply(self.replies.say("dossier_give_up", language), slots=cleared)
        try:
            result = await self.bridge.lookup_dossier(code, id_last4, client_id=client)
        except BridgeUnavailable:
            return Reply(self.replies.say("dossier_unavailable", language), slots=cleared)
        logger.info("dossier lookup outcome=%s", result.outcome)
        if result.outcome == "found" and result.record:
            record = result.record
            status = record.get("status") or {}
            next_step = (status.get("next_step") or "").strip()
            if next_step and not next_step.endswith((".", "!", "?")):
                next_step += "."
            text = self.replies.say(
                "dossier_found",
                language,
                code=record.get("code", code),
                procedure=(record.get("procedure") or {}).get("name", ""),
                label=status.get("label", ""),
                next_step=f"{next_step} " if next_step else "",
                due=_format_date(record.get("due_at"), language),
                desk=(record.get("pickup_desk") or {}).get("name", ""),
            )
        elif result.outcome == "locked":
            minutes = max(1, -(-(result.retry_after_s or 900) // 60))
            text = self.replies.say("dossier_locked", language, minutes=minutes)
        elif result.outcome == "unavailable":
            text = self.replies.say("dossier_unavailable", language)
        else:  # not_found and the bridge's 422s look the same to the citizen
            text = self.replies.say("dossier_not_found", language)
        return Reply(text, slots=cleared)
