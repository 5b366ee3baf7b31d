"""Citizen answer cards (short, checked, Vietnamese and English) for ward-level procedures.

Use: ``AnswerCards.load(SearchSettings().answer_cards_dir).get("1.001193", "en")`` -> ``Card`` or None.
"""

from knowledge_base.cards.model import AnswerCards, Card, CardError, CardModel

__all__ = ["AnswerCards", "Card", "CardError", "CardModel"]
