"""The search and kiosk settings bridge tests pass to ``create_app``: the defaults, never a developer's ``.env``."""

from __future__ import annotations

from kiosk.settings import KioskSettings
from knowledge_base.settings import SearchSettings


def default_search_settings() -> SearchSettings:
    return SearchSettings(_env_file=None)


def default_kiosk_settings() -> KioskSettings:
    return KioskSettings(_env_file=None)
