"""Builds the action server's services once, on first use (nothing heavy happens at import time)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.actions.bridge_client import BridgeClient, HttpBridgeClient
from assistant.actions.desk import DeskService, TicketWords
from assistant.actions.dossier import DossierService
from assistant.actions.feedback import FeedbackService, FeedbackWords
from assistant.actions.guide import Guide
from assistant.actions.priority import PriorityGroups
from assistant.actions.queue_words import QueueWords
from assistant.actions.replies import Replies
from assistant.actions.settings import ActionSettings
from assistant.privacy import install_log_redaction


@dataclass
class Services:
    """Everything the thin actions call."""

    guide: Guide
    desks: DeskService
    dossiers: DossierService
    priority_groups: PriorityGroups
    replies: Replies
    feedback: FeedbackService
    queue_words: QueueWords


def build_services(settings: ActionSettings | None = None, bridge: BridgeClient | None = None) -> Services:
    """Load the data files (validated) and wire them to a bridge client (HTTP unless one is given)."""
    settings = settings or ActionSettings()
    bridge = bridge or HttpBridgeClient(settings)
    replies = Replies.load()
    priority_groups = PriorityGroups.load()
    return Services(
        guide=Guide(
            bridge=bridge,
            replies=replies,
            max_query_chars=settings.max_query_chars,
        ),
        desks=DeskService(
            bridge=bridge,
            replies=replies,
            handoff_desk=settings.handoff_desk,
            ticket_words=TicketWords.load(),
            priority_groups=priority_groups,
        ),
        dossiers=DossierService(bridge=bridge, replies=replies),
        priority_groups=priority_groups,
        replies=replies,
        feedback=FeedbackService(bridge=bridge, replies=replies, words=FeedbackWords.load()),
        queue_words=QueueWords.load(),
    )


_shared: Services | None = None


def shared_services() -> Services:
    """The process-wide services, built on the first action call (which also makes the server's logs redacting:
    rasa-sdk installs its handlers on the root logger before any action module code runs)."""
    global _shared
    if _shared is None:
        install_log_redaction()
        _shared = build_services()
    return _shared
