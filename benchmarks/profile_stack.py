"""Where a turn's CPU goes: the dialogue benchmark on a private stack whose services run under cProfile.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/profile_stack.py --services rasa,bridge --turns 200 --out var/prof
    .venv/bin/python -c "import pstats; pstats.Stats('var/prof/rasa.prof').sort_stats('tottime').print_stats(30)"

Each chosen service is started as ``python benchmarks/profile_stack.py --child OUT -m MODULE ARGS…``: every thread
of the process (the event loop and the worker threads that run sync FastAPI routes) gets its own
``cProfile.Profile`` timed by the thread's own CPU clock (so waiting and other jobs on the machine do not count);
they are merged into OUT when the service stops (the stack's SIGTERM → a normal exit).
SIGUSR1, sent after the warm-up, makes them forget start-up and warm-up.
cProfile roughly doubles the CPU of Python-heavy code, so read shares, not absolute figures (those come from
``bench_dialogue.py turns``). Prints nothing but the benchmark's own figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import cProfile
import os
import pstats
import runpy
import signal
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_child(out: str, module: str, args: list[str]) -> None:
    """Run ``module`` as ``__main__`` with every thread profiled; write the merged stats to ``out`` at exit."""
    profiles: list[cProfile.Profile] = []
    lock = threading.Lock()

    def start_thread_profile(*_: object) -> None:
        profile = cProfile.Profile(time.thread_time)
        with lock:
            profiles.append(profile)
        profile.enable()  # replaces this hook for the rest of the thread

    def dump() -> None:
        threading.setprofile(None)  # type: ignore[arg-type]
        stats = None
        with lock:
            for profile in profiles:
                profile.disable()
                profile.create_stats()
                if not profile.stats:  # type: ignore[attr-defined]
                    continue
                if stats is None:
                    stats = pstats.Stats(profile)
                else:
                    stats.add(profile)
        if stats is not None:
            stats.dump_stats(out)

    atexit.register(dump)
    previous = signal.getsignal(signal.SIGTERM)

    def on_term(signum, frame):  # a service that keeps the default handler still writes its profile
        if callable(previous) and previous not in (signal.SIG_DFL, signal.SIG_IGN):
            previous(signum, frame)
        else:
            sys.exit(0)

    signal.signal(signal.SIGTERM, on_term)

    def on_clear(signum, frame):  # SIGUSR1: forget start-up and warm-up, keep profiling
        with lock:
            for profile in profiles:
                profile.clear()

    signal.signal(signal.SIGUSR1, on_clear)
    threading.setprofile(start_thread_profile)
    main_profile = cProfile.Profile(time.thread_time)
    profiles.append(main_profile)
    sys.argv = [module, *args]
    main_profile.enable()
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    finally:
        main_profile.disable()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        out, flag, module, *args = sys.argv[2:]
        assert flag == "-m", "usage: --child OUT -m MODULE ARGS…"
        run_child(out, module, args)
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--services", default="rasa,actions,bridge")
    parser.add_argument("--out", default="var/prof")
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--via", default="chat", choices=("chat", "rasa"))
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from benchmarks import bench_dialogue
    from benchmarks.stack import Stack

    out_dir = Path(options.out).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    wanted = set(options.services.split(","))
    launch = Stack._launch

    def profiled_launch(self, name, command, cwd, env, ready_url):
        if name in wanted and command[1] == "-m":
            command = [
                command[0],
                str(Path(__file__).resolve()),
                "--child",
                str(out_dir / f"{name}.prof"),
                *command[1:],
            ]
        launch(self, name, command, cwd, env, ready_url)

    Stack._launch = profiled_launch  # type: ignore[method-assign]
    with Stack.start(log=lambda line: print(line, file=sys.stderr)) as stack:
        services = (("rasa", stack.rasa_port), ("actions", stack.actions_port), ("bridge", stack.bridge_port))
        pool = bench_dialogue.QuestionPool(bench_dialogue.DEV_QUESTIONS, options.seed)
        warm = bench_dialogue.QuestionPool(bench_dialogue.DEV_QUESTIONS, options.seed, fixed=True)
        asyncio.run(bench_dialogue.warm_up(stack.rasa_url, stack.bridge_url, 20, warm, options.via))
        for service in stack.services:
            if service.name in wanted:
                os.kill(service.process.pid, signal.SIGUSR1)
        time.sleep(0.5)
        asyncio.run(
            bench_dialogue.run_turns(
                stack.rasa_url, stack.bridge_url, options.turns, options.concurrency, pool, options.via, services
            )
        )
    print(f"profiles in {out_dir}: " + ", ".join(sorted(p.name for p in out_dir.glob("*.prof"))))


if __name__ == "__main__":
    main()
