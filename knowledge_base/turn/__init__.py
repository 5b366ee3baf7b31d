"""Turn-level retrieval: what one citizen turn is about (procedure, clarify, referral, follow-up), in one place."""

from __future__ import annotations

from knowledge_base.turn.decide import search_turn, warm_up
from knowledge_base.turn.outcome import TurnChoice, TurnKind, TurnOutcome
from knowledge_base.turn.siblings import SiblingMarkers
from knowledge_base.turn.words import TurnWords

__all__ = ["search_turn", "warm_up", "TurnOutcome", "TurnChoice", "TurnKind", "TurnWords", "SiblingMarkers"]
