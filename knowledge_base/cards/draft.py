"""A writer's starting point: a card skeleton in YAML drawn from a catalogue record, to be read and edited.

The draft copies the record's documents (without the notes group), fee, time, channels and link and the current
``source_hash``; a writer then keeps the common case, moves special cases to ``variants``, shortens each line and
translates it. The draft is never shipped as it is.
"""

from __future__ import annotations

from knowledge_base.cards.check import HEADER, record_hash
from knowledge_base.catalogue.record import Procedure
from knowledge_base.text import clean, fold


def _quote(text: str) -> str:
    return '"' + clean(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def draft(procedure: Procedure) -> str:
    """YAML text of one draft card (a list item under ``cards:``)."""
    fees = sorted({c.fee for c in procedure.channels if c.fee})
    amounts = {c.fee_amount_vnd for c in procedure.channels}
    times = sorted({c.processing_time for c in procedure.channels if c.processing_time})
    online = any(c.channel == "online" for c in procedure.channels)
    lines = [
        f'  - code: "{procedure.code}"',
        f"    # {clean(procedure.name)} [{procedure.field}]",
        f"    short_name: {{vi: {_quote(procedure.name[:60])}, en: }}",
        "    documents:",
    ]
    for doc in procedure.documents:
        if fold(doc.group).startswith("luu y") or HEADER.search(fold(doc.name)) or not doc.name.strip(" ;."):
            continue
        copies = f"  # {doc.copies}" if doc.copies else ""
        lines.append(f"      - {{vi: {_quote(doc.name)}, en: }}{copies}")
    amount = next(iter(amounts)) if len(amounts) == 1 else None
    lines += [
        f"    fee: {{amount_vnd: {'null' if amount is None else amount}, vi: {_quote('; '.join(fees) or '?')}, en: }}",
        f"    time: {{vi: {_quote('; '.join(times) or '?')}, en: }}",
        f'    where: {{desk_field: "{procedure.field}", vi: "Bộ phận Một cửa UBND phường", '
        f'en: "One-stop desk, ward People\'s Committee"}}',
        f"    online: {'true' if online else 'false'}",
        f'    portal_url: "{procedure.source_url}"',
        f'    source_hash: "{record_hash(procedure)}"',
    ]
    return "\n".join(lines)
