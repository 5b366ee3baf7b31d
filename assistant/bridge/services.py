"""Everything the endpoints use, built once in the FastAPI lifespan (or by a test) and kept on app.state."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from assistant.bridge.cards import CardService
from assistant.bridge.db import Database, make_engine, make_relaxed_engine
from assistant.bridge.desk_map import DeskHolder, load_desks
from assistant.bridge.dossiers.http_source import CircuitBreaker, HttpDossierSource
from assistant.bridge.dossiers.lockout import LockoutPolicy, LookupLockout
from assistant.bridge.dossiers.lookup import DossierLookup
from assistant.bridge.dossiers.sources import DossierSource, LocalDossierSource
from assistant.bridge.dossiers.statuses import load_statuses
from assistant.bridge.knowledge import KnowledgeService, default_knowledge_sources
from assistant.bridge.migrations import migrate
from assistant.bridge.questions import QuestionRecorder
from assistant.bridge.queue_desk import DeskCounter
from assistant.bridge.replica import KnowledgeSync
from assistant.bridge.search_cache import SearchCache
from assistant.bridge.settings import BridgeSettings
from assistant.bridge.source_guard import BoundedDossierSource
from assistant.bridge.tickets import TicketQueue
from assistant.bridge.wards import WardRegistry, load_wards
from knowledge_base.non_ward import NonWardProcedures, load_if_usable
from knowledge_base.search import ProcedureSearcher
from knowledge_base.settings import SearchSettings

log = logging.getLogger(__name__)
__all__ = ["BridgeServices", "DeskHolder", "build_services", "load_desks", "open_database"]


@dataclass
class BridgeServices:
    settings: BridgeSettings
    db: Database
    knowledge: KnowledgeService
    wards: WardRegistry
    desks: DeskHolder
    """The default ward's desk map (`wards.desks(ward_id)` for any ward)."""
    dossiers: DossierLookup
    tickets: TicketQueue
    questions: QuestionRecorder
    searcher: ProcedureSearcher | None
    search_cache: SearchCache
    search_error: str | None = None
    service_token: str = ""
    """The action server's secret (assistant.bridge.clients); empty = nobody may forward a client."""
    cards: CardService | None = None
    """Shared answer cards (``cards.answer_cards.get(code, language)``); None when the card files are invalid."""
    sync: KnowledgeSync | None = None
    """Follows the knowledge change log; `sync.applied_id` keys the search answer cache."""
    non_ward: NonWardProcedures | None = None
    """English names and everyday bodies of procedures beyond the ward (``KB_NON_WARD_PATH``); None when absent."""

    def counter(self, ward_id: int) -> DeskCounter:
        """Desk operations (call next, recall, board) of one ward."""
        return DeskCounter(db=self.db, tickets=self.tickets, desks=self.wards.desks(ward_id), ward_id=ward_id)

    def knowledge_version(self) -> int:
        """Id of the last knowledge change applied here: any edit, on any replica, starts a new version."""
        return self.sync.applied_id if self.sync is not None else 0

    def close(self) -> None:
        if self.sync is not None:
            self.sync.stop()
        self.questions.close()
        close = getattr(self.dossiers.source, "close", None)
        if close:
            close()
        self.db.dispose()


def open_database(settings: BridgeSettings) -> Database:
    """Engine + pending migrations."""
    engine = make_engine(settings)
    db = Database(engine, relaxed_engine=make_relaxed_engine(settings, engine))
    migrate(db.engine)
    return db


def build_dossier_source(settings: BridgeSettings, db: Database) -> DossierSource:
    if settings.dossier_source == "http":
        breaker = CircuitBreaker(
            failure_threshold=settings.breaker_failure_threshold, reset_after_s=settings.breaker_reset_after_s
        )
        source = HttpDossierSource(
            settings.dossier_http_url,
            timeout_s=settings.dossier_http_timeout_s,
            breaker=breaker,
            pepper=settings.dossier_pepper,
        )
        return BoundedDossierSource(source, max_concurrent=settings.dossier_http_max_concurrent)
    if settings.dossier_source != "local":
        raise ValueError("BRIDGE_DOSSIER_SOURCE must be 'local' or 'http'")
    return LocalDossierSource(db, pepper=settings.dossier_pepper)


def build_services(
    settings: BridgeSettings,
    *,
    search_settings: SearchSettings,
    searcher: ProcedureSearcher | None = None,
    knowledge_sources: dict | None = None,
    dossier_source: DossierSource | None = None,
    search_error: str | None = None,
) -> BridgeServices:
    """Open the database, load data files, apply the staff overlay to the searcher, follow the change log."""
    db = open_database(settings)
    sync = KnowledgeSync(db, poll_s=settings.knowledge_poll_s, listen=settings.knowledge_listen)
    start_id = sync.latest_id()  # before any overlay is read: a change committed meanwhile is applied again, not lost
    wards = load_wards(db, settings, sync)
    desks = wards.desks(wards.default.id)
    sources = knowledge_sources if knowledge_sources is not None else default_knowledge_sources(search_settings)
    knowledge = KnowledgeService(db=db, searcher=searcher, sync=sync, **sources)
    applied = knowledge.apply_overlay()
    log.info("knowledge: %d procedures, staff overlay %s", len(knowledge), applied)
    cards = load_cards(db, search_settings, knowledge, sync)
    sync.start(from_id=start_id)
    dossiers = DossierLookup(
        source=dossier_source or build_dossier_source(settings, db),
        lockout=LookupLockout(db, lockout_policy(settings)),
        statuses=load_statuses(settings.dossier_statuses_path),
        desks=lambda code: wards.directory(wards.known_or_default(code).id),
        procedure_name=lambda code: getattr(knowledge.get(code), "name", None),
    )
    tickets = TicketQueue(
        db=db,
        desks=wards.directory,
        minutes_per_ticket=settings.minutes_per_ticket,
        priority_burst=settings.priority_burst,
        timezone=settings.timezone,
    )
    return BridgeServices(
        settings=settings,
        db=db,
        knowledge=knowledge,
        wards=wards,
        desks=desks,
        dossiers=dossiers,
        tickets=tickets,
        questions=QuestionRecorder(db),
        searcher=searcher,
        search_cache=SearchCache(settings.search_cache_entries),
        search_error=search_error,
        service_token=settings.resolved_service_token(),
        cards=cards,
        sync=sync,
        non_ward=load_if_usable(search_settings.non_ward_path),
    )


def load_cards(
    db: Database, search_settings: SearchSettings, knowledge: KnowledgeService, sync: KnowledgeSync
) -> CardService | None:
    """The answer cards; invalid card files are logged and leave cards off rather than stopping the bridge."""
    from knowledge_base.cards.model import CardError

    try:
        return CardService.load(db=db, directory=search_settings.answer_cards_dir, procedure=knowledge.get, sync=sync)
    except (CardError, OSError) as exc:
        log.error("answer cards not loaded: %s", exc)
        return None


def lockout_policy(settings: BridgeSettings) -> LockoutPolicy:
    return LockoutPolicy(
        max_failures=settings.lookup_max_failures,
        client_max_failures=settings.lookup_client_max_failures,
        window=timedelta(minutes=settings.lookup_window_minutes),
        max_delay=timedelta(minutes=settings.lookup_max_delay_minutes),
        code_memory=timedelta(hours=settings.lookup_code_memory_hours),
    )


def build_real_searcher(search_settings: SearchSettings) -> tuple[ProcedureSearcher | None, str | None]:
    """knowledge_base.search.build_search(); on failure the bridge still runs with search reported down."""
    try:
        from knowledge_base.search.build import build_search  # numpy, faiss, the encoder: only when serving
        from knowledge_base.turn import warm_up

        search = build_search(search_settings)
        warm_up(search)  # the turn tables now, not in the first citizen's turn (it would time out in the action)
        return search, None
    except Exception as exc:  # missing model/index must not stop dossiers, desks and tickets
        log.error("search could not be built: %s: %s", type(exc).__name__, exc)
        return None, f"{type(exc).__name__}: {exc}"
