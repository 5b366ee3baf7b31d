"""Guess whether a citizen wrote Vietnamese (default, with or without diacritics) or English."""
from __future__ import annotations

from typing import Literal

from knowledge_base.text import has_diacritics, tokens

Language = Literal["vi", "en"]

# Words that are common in English questions but are not (folded) Vietnamese syllables.
_ENGLISH = frozenset(
    """and are am birth bring certificate check code cost counter death desk did documents does dossier fee for
    get good hello help hey hi how i is it morning much my need number of office online open papers please
    register registration residence status talk thank thanks ticket want what when where which who why with you
    your yes sure bye goodbye steps process law staff person human days ready marriage apply submit free pay
    copy certified tell more details full list hours close queue this that here there have has will would could
    should done into from about baby apartment live living lost new card passport ward she we they his her our their
    if not landlord boyfriend girlfriend fiance wife husband son daughter""".split()
)
# Frequent unaccented Vietnamese syllables (what "cho hoi lam giay khai sinh" folds to).
_VIETNAMESE = frozenset(
    """ai anh ba bao bay be bon buoc ca cac cai can cam chao chi cho chua chung co con cua da dang dau day de den di
    dinh do duoc em gap gi gia giay gio giup ho hoi hom hon khai khi khong ky la lam lau le lay luat ma mang may minh
    muon nao nay nhieu nhu noi nop nua o on phi phuong quay roi sang sao sinh so tam thi thu thuc thuong tien toi tra
    tren tru truc tu tuc uu va vang ve voi xac xin xong""".split()
)


def detect_language(text: str, previous: str | None = None) -> Language:
    """Return "vi" or "en" for one message; undecided messages ("2", "ok", emoji) keep ``previous``.

    English wins only when it has more telltale words than Vietnamese has words, an accented word counting as
    Vietnamese: a citizen who code-switches a procedure name into an English sentence ("I need to đăng ký tạm
    trú for my boyfriend, he is moving into my apartment") or writes one accented loanword ("my fiancé") is
    answered in English. Otherwise any Vietnamese diacritic means Vietnamese.
    """
    fallback: Language = "en" if previous == "en" else "vi"
    if not text or not text.strip():
        return fallback
    raw = text.split()
    accented = sum(1 for w in raw if has_diacritics(w))
    words = tokens(" ".join(w for w in raw if not has_diacritics(w)))
    english = sum(1 for w in words if w in _ENGLISH)
    vietnamese = accented + sum(1 for w in words if w in _VIETNAMESE)
    if accented:
        return "en" if english > vietnamese else "vi"
    if english > vietnamese and english >= 1 and not (len(words) == 1 and words[0] == "ok"):
        return "en"
    if vietnamese > english:
        return "vi"
    return fallback


def language_of_turn(text: str, previous: str | None = None) -> Language:
    """Language of one user turn: button payloads ("/choose_option{...}") keep ``previous`` (default vi)."""
    if text.startswith("/"):
        return "en" if previous == "en" else "vi"
    return detect_language(text, previous)
