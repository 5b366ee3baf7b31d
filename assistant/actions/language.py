"""Guess whether a citizen wrote Vietnamese (default, with or without diacritics) or English."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from knowledge_base.text import fold, has_diacritics, tokens

Language = Literal["vi", "en"]

# Words that are common in English questions but are not (folded) Vietnamese syllables: "the" (thẻ), "do" (đó),
# "me" (mẹ), "so" (số), "no" (nợ), "to" (tờ), "in" (in, print) and "thai" (thai sản) are left out on purpose.
_ENGLISH = frozenset(
    """and are am birth bring certificate check code cost counter death desk did documents does dossier fee for
    get good hello help hey hi how i is it morning much my need number of office online open papers please
    register registration residence status talk thank thanks ticket want what when where which who why with you
    your yes sure bye goodbye steps process law staff person human days ready marriage apply submit free pay
    copy certified tell more details full list hours close queue this that here there have has will would could
    should done into from about baby apartment live living lost new card passport ward she we they his her our their
    if not landlord boyfriend girlfriend fiance wife husband son daughter
    able above accept account activate actually address adopt adoption after afternoon again ago all already also
    always american another answer any anyone anything anywhere application applications appointment around
    arrive ask asked available away back bad bank basis because been before being best better between boat book
    born both brother business but buy by call called came cards certificates certification certify change child
    children citizen city closed collect come company complain complaint complicated confirm confirmation contract
    copies correct costs country couple dead deceased declare degree didn diploma divorce doesn driving during
    each else employer english enough every everything exactly expire expired extend extension family father fees
    file files fill find fine first fix foreign foreigner forgot form forms friend gets getting give going goodbye
    got grandfather grandmother great had happen happened having health hers him hospital household id information
    insurance isn its just keep kid kind know land last later legal let licence license like line little lived look
    make many married marry maybe mine missing money month months most mother motorbike move moved must myself
    name needed needs never newborn next nice night nothing now off officer often once one only opening order
    original other out over own page pages paper paperwork parents passed per police portal possible pregnant
    prepare price priority probably problem procedure processing proof property quickly rather really receipt
    recognised recognized record registered registering remember rent rented renting replace replacement required
    resident right robot room said same saturday see sell send sign signature since single sister some someone
    something soon sorry speak start still stolen stop sunday take takes tell then these thing things think those
    through time today tomorrow too translate translated translation translator turn two under until up us used
    very visa wait waiting wanted were whether while whole wife without word work working wrong year years
    yesterday yours lives french korean german british australian japanese chinese canadian indian russian
    italian spanish dutch swedish fiance fiancee cafe""".split()
)
# Frequent unaccented Vietnamese syllables (what "cho hoi lam giay khai sinh" folds to). "can" (cần) and "do" (đó)
# are English words as often, so they count for neither.
_VIETNAMESE = frozenset(
    """ai anh ba bao bay be bon buoc ca cac cai cam chao chi cho chua chung co con cua da dang dau day de den di
    dinh duoc em gap gi gia giay gio giup ho hoi hom hon khai khi khong ky la lam lau le lay luat ma mang may minh
    muon nao nay nhieu nhu noi nop nua o on phi phuong quay roi sang sao sinh so tam thi thu thuc thuong tien toi tra
    tren tru truc tu tuc uu va vang ve voi xac xin xong""".split()
)


@lru_cache(maxsize=1024)  # Rasa's language policy asks it again at every prediction of the same turn
def detect_language(text: str, previous: str | None = None) -> Language:
    """Return "vi" or "en" for one message; undecided messages ("2", "ok", emoji) keep ``previous``.

    English wins only when it has more telltale words than Vietnamese has words, an accented word counting as
    Vietnamese unless it is an English loanword ("fiancée", "café"): a citizen who code-switches a procedure name
    into an English sentence ("I need to đăng ký tạm trú for my boyfriend, he is moving into my apartment") or
    writes one accented loanword ("my fiancé") is answered in English. A sentence framed in English (two of its
    first three words English) stays English with half as many English words as Vietnamese ones: "Hello, I want
    to làm giấy khai sinh for my baby, chồng mình là người Việt" quotes Vietnamese inside an English request.
    Otherwise any Vietnamese diacritic means Vietnamese.
    """
    fallback: Language = "en" if previous == "en" else "vi"
    if not text or not text.strip():
        return fallback
    raw = text.split()
    loanwords = [w for w in raw if has_diacritics(w) and fold_word(w) in _ENGLISH]  # "fiancée", "café"
    accented = sum(1 for w in raw if has_diacritics(w)) - len(loanwords)
    words = tokens(" ".join(w for w in raw if not has_diacritics(w)))
    english = len(loanwords) + sum(1 for w in words if w in _ENGLISH)
    vietnamese = accented + sum(1 for w in words if w in _VIETNAMESE)
    if accented:
        frame = sum(1 for w in tokens(" ".join(raw[:3])) if w in _ENGLISH) >= 2
        return "en" if english > vietnamese or (frame and english * 2 >= vietnamese) else "vi"
    if english > vietnamese and english >= 1 and not (len(words) == 1 and words[0] == "ok"):
        return "en"
    if vietnamese > english:
        return "vi"
    return fallback


def fold_word(word: str) -> str:
    """One written word folded to its letters ("fiancée," → "fiancee")."""
    return "".join(tokens(fold(word)))


def in_language(raw: dict, key: str, language: str | None) -> str:
    """A ward or desk fact in the reply's language: ``key + "_en"`` in English when staff wrote it, else ``key``."""
    if language == "en" and raw.get(f"{key}_en"):
        return str(raw[f"{key}_en"])
    return str(raw.get(key) or "")


def language_of_turn(text: str, previous: str | None = None) -> Language:
    """Language of one user turn: button payloads ("/choose_option{...}") keep ``previous`` (default vi)."""
    if text.startswith("/"):
        return "en" if previous == "en" else "vi"
    return detect_language(text, previous)
