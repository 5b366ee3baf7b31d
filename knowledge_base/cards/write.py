"""Write one edited card back into its YAML file, atomically, keeping the file's comments and every other card.

The card's block (from its ``- code:`` line to the next card or comment at the same indent) is replaced by the
card rendered in the files' own flow style; the whole new file is validated before it replaces the old one
(written to a temporary file in the same folder, then ``os.replace``), so a reader never sees half a file.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from knowledge_base.cards.model import CardError, CardModel, Text, load_file

_CARD_START = re.compile(r'^(\s*)- code:\s*["\']?([0-9.]+)["\']?')


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def _text(line: Text, extra: str = "") -> str:
    parts = [extra] if extra else []
    parts.append(f"vi: {_q(line.vi)}")
    if line.en is not None:
        parts.append(f"en: {_q(line.en)}")
    return "{" + ", ".join(parts) + "}"


def card_block(card: CardModel, *, comment: str = "", indent: str = "  ") -> list[str]:
    """The card as YAML lines in the card files' style (one flow mapping per line of text)."""
    inner = indent + "  "
    head = f"{indent}- code: {_q(card.code)}" + (f"   # {comment}" if comment else "")
    out = [head, f"{inner}short_name: {_text(card.short_name)}", f"{inner}documents:"]
    out += [f"{inner}  - {_text(d)}" for d in card.documents]
    if card.variants:
        out.append(f"{inner}variants:")
        for variant in card.variants:
            out.append(f"{inner}  - when: {_text(variant.when)}")
            out.append(f"{inner}    documents:")
            out += [f"{inner}      - {_text(d)}" for d in variant.documents]
    fee = card.fee
    amount = "null" if fee.amount_vnd is None else str(fee.amount_vnd)
    fee_parts = [f"amount_vnd: {amount}", f"vi: {_q(fee.vi)}"] + ([f"en: {_q(fee.en)}"] if fee.en is not None else [])
    if fee.set_by_province:
        fee_parts.append("set_by_province: true")
    out.append(f"{inner}fee: {{{', '.join(fee_parts)}}}")
    if card.time is not None:
        out.append(f"{inner}time: {_text(card.time)}")
    desk = f"desk_field: {_q(card.where.desk_field)}" if card.where.desk_field else ""
    out.append(f"{inner}where: {_text(card.where, desk)}")
    out.append(f"{inner}online: {'true' if card.online else 'false'}")
    out.append(f"{inner}portal_url: {_q(card.portal_url)}")
    for name in ("notes", "staff_notes"):
        lines = getattr(card, name)
        if lines:
            out.append(f"{inner}{name}:")
            out += [f"{inner}  - {_text(n)}" for n in lines]
    out.append(f"{inner}source_hash: {_q(card.source_hash)}")
    return out


def _block_span(lines: list[str], code: str) -> tuple[int, int, str, str] | None:
    """(start, end, indent, comment) of the card's block in the file's lines, or None when it is not there."""
    for start, line in enumerate(lines):
        match = _CARD_START.match(line)
        if not match or match.group(2) != code:
            continue
        indent = match.group(1)
        comment = line.split("#", 1)[1].strip() if "#" in line[match.end() :] else ""
        end = start + 1
        while end < len(lines):
            stripped = lines[end].strip()
            if stripped and len(lines[end]) - len(lines[end].lstrip()) <= len(indent):
                break
            end += 1
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
        return start, end, indent, comment
    return None


def save_card(path: Path, card: CardModel, *, comment: str = "") -> None:
    """Replace (or append) the card in the file at ``path``; the file is re-validated before it is swapped in."""
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else "cards:\n"
    lines = text.splitlines()
    span = _block_span(lines, card.code)
    if span is None:
        if not any(line.rstrip() == "cards:" for line in lines):
            raise CardError(f"{path.name}: no 'cards:' list to add the card to")
        lines = [line for line in lines if line.strip() != "cards: []"]
        lines += card_block(card, comment=comment)
    else:
        start, end, indent, old_comment = span
        lines[start:end] = card_block(card, comment=comment or old_comment, indent=indent)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write("\n".join(lines) + "\n")
            out.flush()
            os.fsync(out.fileno())
        written = {c.code: c for c in load_file(Path(temporary))}
        if written.get(card.code) != card:
            raise CardError(f"{path.name}: card {card.code}: the written card does not read back the same")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
