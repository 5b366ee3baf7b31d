"""Privacy benchmark: how much personal data the redactor catches on the corpus, how often it touches ordinary
questions (the catalogue's citizen phrasings), and its cost per message.

Usage: .venv/bin/python benchmarks/bench_privacy.py [--compare-with REV]
  --compare-with REV also runs assistant/bridge/redaction.py as it was at git revision REV (e.g. 20e5638, the
  redactor before assistant.privacy) on the same corpus.
Prints figures; asserts nothing (tests check behaviour, this measures it).
"""

from __future__ import annotations

import argparse
import glob
import subprocess
import sys
import time
import types
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.privacy import keywords, redact  # noqa: E402
from tests.bridge.privacy_support import leaked, load_corpus  # noqa: E402


def caught(fn, pairs) -> str:
    return f"{sum(1 for message, token in pairs if not leaked(token, fn(message)))}/{len(pairs)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare-with", metavar="REV")
    args = parser.parse_args()
    corpus = load_corpus()
    pairs = [(item.message, token) for item in corpus for token in item.personal]
    numbers = [(m, t) for m, t in pairs if sum(c.isdigit() for c in t) >= 3 or "@" in t]
    names = [p for p in pairs if p not in numbers]
    print(
        f"corpus: {len(corpus)} messages, {len(pairs)} personal tokens "
        f"({len(names)} names, {len(numbers)} numbers/e-mails)"
    )
    runs = [("redact", redact), ("keywords", keywords)]
    if args.compare_with:
        source = subprocess.run(
            ["git", "show", f"{args.compare_with}:assistant/bridge/redaction.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        old = types.ModuleType("old_redaction")
        exec(compile(source, f"{args.compare_with}:redaction.py", "exec"), old.__dict__)  # noqa: S102
        runs.insert(0, (f"redact @ {args.compare_with}", old.redact))
    for label, fn in runs:
        print(f"  {label:22s} caught {caught(fn, pairs)}  (names {caught(fn, names)}, numbers {caught(fn, numbers)})")
    asks = [
        ask
        for path in sorted(glob.glob(str(ROOT / "knowledge_base/data/citizen_questions/*.yaml")))
        for item in yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        for ask in item.get("asks", [])
    ]
    changed = sum(1 for ask in asks if redact(ask) != ask)
    print(
        f"catalogue citizen questions changed by redact: {changed}/{len(asks)}; "
        f"empty keyword forms: {sum(1 for ask in asks if not keywords(ask))}"
    )
    messages = [item.message for item in corpus]
    for label, fn in (("redact", redact), ("keywords", keywords)):
        fn(messages[0])
        started = time.perf_counter()
        for _ in range(5):
            for message in messages:
                fn(message)
        print(f"{label}: {(time.perf_counter() - started) / (5 * len(messages)) * 1e6:.0f} µs a message")


if __name__ == "__main__":
    main()
