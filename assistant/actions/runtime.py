"""The action server's services and the provider that builds them once per serving process.

Nothing is read or built at import time: ``assistant.actions.server`` (the entry point) reads ``ActionSettings``
once and hands one ``ServiceProvider`` to every action; tests build ``Services`` over a fake bridge directly.
"""

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


def build_services(settings: ActionSettings, bridge: BridgeClient | None = None) -> Services:
    """Load the data files (validated) and wire them to a bridge client (HTTP unless one is given)."""
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


class ServiceProvider:
    """The one ``Services`` of a serving process, built from the settings the entry point read, on first use.

    rasa-sdk's Sanic server answers from a spawned worker process that receives the action executor (and so the
    actions and this provider) pickled. The provider therefore travels as its settings only and builds the services
    in the process that serves: the data files are loaded there and the HTTP client's session belongs to that
    process's event loop. Building also makes that process's logs redacting (rasa-sdk has put its handlers on the
    root logger by then).
    """

    def __init__(self, settings: ActionSettings) -> None:
        self.settings = settings
        self._services: Services | None = None

    def get(self) -> Services:
        if self._services is None:
            install_log_redaction()
            self._services = build_services(self.settings)
        return self._services

    def __getstate__(self) -> dict[str, object]:
        return {"settings": self.settings, "_services": None}


def services_of(source: Services | ServiceProvider | None, action: str) -> Services:
    """The services an action was given: built ones (tests) or the serving process's provider (the server)."""
    if source is None:
        raise RuntimeError(
            f"{action} was constructed without services; start the action server with "
            "`python -m assistant.actions` (assistant/actions/server.py), which reads the settings once"
        )
    return source if isinstance(source, Services) else source.get()
