"""Run every benchmark and print each figure beside its same-run baseline.

    python -m benchmarks.run            # all benchmarks, full size
    python -m benchmarks.run --quick    # smaller sizes, for a smoke check
    python -m benchmarks.run import     # only benchmarks/bench_import*.py

Each ``benchmarks/bench_<topic>.py`` exposes ``run(quick: bool) -> list[Figure]``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("only", nargs="*", help="topic name prefixes to run")
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    args = parser.parse_args(argv)
    here = Path(__file__).parent
    topics = sorted(p.stem for p in here.glob("bench_*.py"))
    if args.only:
        topics = [t for t in topics if any(t.startswith("bench_" + o) for o in args.only)]
    print(f"# Annotator benchmarks on {platform.machine()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs{' (quick)' if args.quick else ''}")
    failed = 0
    for topic in topics:
        module = importlib.import_module(f"benchmarks.{topic}")
        print(f"\n## {topic.removeprefix('bench_')}")
        sys.stdout.flush()
        try:
            for fig in module.run(args.quick):
                print(fig.line())
                sys.stdout.flush()
        except Exception as exc:  # report and go on with the other benchmarks
            failed += 1
            print(f"FAILED: {type(exc).__name__}: {exc}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
