"""Dossier status: read the dossier code and the last 4 ID digits from what was said, look it up, explain it."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.actions.answers import display_name
from assistant.actions.bridge_client import BridgeClient, BridgeUnavailable
from assistant.actions.replies import Replies
from assistant.actions.reply import Reply
from assistant.actions.spoken_numbers import digit_runs
from assistant.payload import Desk, DossierStatus, ReplyPayload
from knowledge_base.text import tokens

logger = logging.getLogger(__name__)

# National shape <agency code>-<yyMMdd>-<NNNN>, e.g. 000.00.20.H26-250801-0001 (spoken forms may add spaces).
_DOSSIER_CODE = re.compile(r"(?<![0-9A-Za-z.])([0-9A-Za-z]{2,}(?:\.[0-9A-Za-z]+){1,5})-(\d{6})-(\d{4})(?![0-9])")
_SPACED_SEPARATORS = re.compile(r"\s*([.\-])\s*")
_SPACED_CODE = re.compile(r"(?<![0-9A-Za-z])(\d{3}(?:\s+[0-9A-Za-z]{2,3}){2,4})\s+(\d{6})\s+(\d{4})(?![0-9])")
_FOUR_DIGITS = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")
SHORT_NAME_CHARS = 60
MAX_FORM_RETRIES = 2
"""A wrong format is re-asked once (with an example); the second miss ends the form."""


def find_dossier_code(text: str | None) -> str | None:
    """The dossier code in ``text`` (agency part upper-cased), or None."""
    if not text:
        return None
    match = _DOSSIER_CODE.search(_SPACED_SEPARATORS.sub(r"\1", text[:500]))
    if match:
        return f"{match.group(1).upper()}-{match.group(2)}-{match.group(3)}"
    match = _SPACED_CODE.search(text[:500])  # read aloud or typed with spaces: "000 00 20 H26 250801 0001"
    if match:
        agency = ".".join(match.group(1).split()).upper()
        return f"{agency}-{match.group(2)}-{match.group(3)}"
    return None


def id_last4_beside_code(text: str | None) -> str | None:
    """The 4 ID digits said in the same message as a dossier code ("mã … số cuối 5678"), read with the code taken
    out so its own digit groups do not count; None when the message holds no code or no single 4-digit group."""
    if not text or not find_dossier_code(text):
        return None
    text = text[:500]
    rest = _DOSSIER_CODE.sub(" ", _SPACED_SEPARATORS.sub(r"\1", text))
    rest = _SPACED_CODE.sub(" ", rest)
    return find_id_last4(rest)


_CODE_WORDS = (
    "ma ho so",
    "ma so",
    "nho ma",
    "quen ma",
    "mat ma",
    "biet ma",
    "co ma",
    "tim ma",
    "ma in",
    "ma o",
    "ma day",
    "ma do",
    "ma nay",
    "ma ghi",
    "cai ma",
    "giay hen",
    "phieu hen",
    "bien nhan",
    "bien lai",
    "code",
    "receipt",
    "slip",
    "ho so",
)
"""Folded words that show a message is about the dossier code or the paper it is printed on."""


def mentions_dossier_code(text: str | None) -> bool:
    padded = f" {' '.join(tokens(text or ''))} "
    return any(f" {w} " in padded for w in _CODE_WORDS)


def find_id_last4(text: str | None) -> str | None:
    """Exactly one group of 4 digits ("1234", "1 2 3 4", "4 số cuối là 1234"), or 4 digits said one by one as
    words ("một hai ba bốn", "bon ba hai mot", "one two three four"); else None."""
    if not text:
        return None
    text = text[:200]
    if re.fullmatch(r"[\d\s.\-]+", text.strip()):
        text = re.sub(r"\D", "", text)
    found = _FOUR_DIGITS.findall(text)
    if found:
        return found[0] if len(found) == 1 else None
    spoken = [run for run in digit_runs(tokens(text)) if len(run) == 4]
    return spoken[0] if len(spoken) == 1 else None


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
            return self._refused("dossier_give_up", language, cleared)
        try:
            result = await self.bridge.lookup_dossier(code, id_last4, client_id=client)
        except BridgeUnavailable:
            return Reply(
                self.replies.say("dossier_unavailable", language),
                slots=cleared,
                payload=ReplyPayload(kind="error", language=language),
            )
        logger.info("dossier lookup outcome=%s", result.outcome)
        if result.outcome == "found" and result.record:
            return self._found(result.record, code, language, cleared)
        if result.outcome == "locked":
            minutes = max(1, -(-(result.retry_after_s or 900) // 60))
            return Reply(
                self.replies.say("dossier_locked", language, minutes=minutes),
                slots=cleared,
                payload=ReplyPayload(kind="dossier_refused", language=language),
            )
        if result.outcome == "unavailable":
            return Reply(
                self.replies.say("dossier_unavailable", language),
                slots=cleared,
                payload=ReplyPayload(kind="error", language=language),
            )
        # not_found and the bridge's 422s look the same to the citizen
        return self._refused("dossier_not_found", language, cleared)

    def _refused(self, key: str, language: str, slots: dict) -> Reply:
        return Reply(
            self.replies.say(key, language),
            slots=slots,
            payload=ReplyPayload(kind="dossier_refused", language=language),
        )

    def _found(self, record: dict, code: str, language: str, slots: dict) -> Reply:
        status = record.get("status") or {}
        if language == "en" and isinstance(status.get("en"), dict):  # the status in English, same code
            status = {**status, **status["en"]}
        next_step = (status.get("next_step") or "").strip()
        if next_step and not next_step.endswith((".", "!", "?")):
            next_step += "."
        procedure = short_procedure_name((record.get("procedure") or {}).get("name", ""))
        desk_raw = record.get("pickup_desk") or {}
        desk_name = (desk_raw.get("name_en") if language == "en" else None) or desk_raw.get("name", "")
        text = self.replies.say(
            "dossier_found",
            language,
            code=record.get("code", code),
            procedure=procedure,
            label=status.get("label", ""),
            next_step=f"{next_step} " if next_step else "",
            due=_format_date(record.get("due_at"), language),
            desk=desk_name,
        )
        try:
            status_code = int(status.get("code"))
        except (TypeError, ValueError):
            status_code = 0
        dossier = DossierStatus(
            status_code=status_code,
            label=str(status.get("label") or ""),
            explanation=status.get("explanation") or None,
            next_step=next_step or None,
            procedure=procedure or None,
            due=record.get("due_at") or None,
            pickup_desk=Desk(id=str(desk_raw["id"]), name=str(desk_name or desk_raw["id"]))
            if desk_raw.get("id")
            else None,
        )
        return Reply(text, slots=slots, payload=ReplyPayload(kind="dossier_status", language=language, dossier=dossier))

    def followup(self, dossier: dict[str, Any], language: str) -> Reply | None:
        """What the status just given asks the citizen to do, and where the result is collected (from the status
        payload of the previous message: no lookup, nothing personal); None when that payload does not read."""
        try:
            status = DossierStatus.model_validate(dossier)
        except ValueError:
            return None
        desk = (
            self.replies.say("dossier_followup_desk", language, desk=status.pickup_desk.name)
            if status.pickup_desk
            else ""
        )
        text = self.replies.say(
            "dossier_followup",
            language,
            label=status.label,
            next_step=status.next_step or status.explanation or "",
            desk=desk,
        ).strip()
        return Reply(text, payload=ReplyPayload(kind="dossier_status", language=language, dossier=status))


def short_procedure_name(name: str, limit: int = SHORT_NAME_CHARS) -> str:
    """The procedure as a citizen would say it: the catalogue name without "Thủ tục", its first clause, ≤ ``limit``."""
    name = display_name(name or "").rstrip("…")
    if len(name) <= limit:
        return name
    head = name[:limit]
    cut = head.rfind(",")
    return (head[:cut] if cut >= limit // 3 else head.rsplit(" ", 1)[0]).rstrip(",;: ")
