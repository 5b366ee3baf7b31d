"""Rasa 3.6 builds a whole empty ``Domain`` every time it asks whether the assistant's domain is empty.

``Domain.is_empty`` compares ``self.as_dict()`` with ``Domain.empty().as_dict()``, and the processor asks it on
every parse (``_check_for_unseen_features``): ~3.5% of Rasa's CPU per turn (py-spy, 10 senders). ``install()``
builds the empty domain's dictionary once and compares against that; the answer is the same.
"""
from typing import Any, Dict, Optional

_INSTALLED_FLAG = "_le_tan_so_domain_empty_check"


def install() -> None:
    """Patch ``rasa.shared.core.domain.Domain.is_empty`` once per process (later calls do nothing)."""
    from rasa.shared.core.domain import Domain

    if getattr(Domain, _INSTALLED_FLAG, False):
        return
    empty: Dict[str, Optional[Dict[str, Any]]] = {"as_dict": None}

    def is_empty(self: Domain) -> bool:
        if empty["as_dict"] is None:
            empty["as_dict"] = Domain.empty().as_dict()
        return self.as_dict() == empty["as_dict"]

    Domain.is_empty = is_empty
    setattr(Domain, _INSTALLED_FLAG, True)
