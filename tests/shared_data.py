"""Where tests find the shared national catalogue: `../shared/data` beside the checkout (as CI has it), or the
folder named by LETANSO_SHARED_DATA (e.g. for a git worktree elsewhere). Tests that need it skip when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("LETANSO_SHARED_DATA") or REPO.parent / "shared" / "data")
NATIONAL_CATALOGUE = SHARED_DATA / "national-procedure-catalogue.jsonl"
needs_national_catalogue = pytest.mark.skipif(
    not NATIONAL_CATALOGUE.is_file(),
    reason=f"national catalogue not found at {NATIONAL_CATALOGUE} (set LETANSO_SHARED_DATA to its folder)",
)
