"""Run every benchmark (bench/bench_*.py), each in its own process, and print their figures.

`make bench` calls this. A benchmark module has a `main()` that prints what it measured, and
may accept `--quick`. Run one alone with `.venv/bin/python bench/bench_import.py`.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    wanted = set(argv)
    failures = []
    for path in sorted(HERE.glob("bench_*.py")):
        if wanted and path.stem not in wanted and path.stem.removeprefix("bench_") not in wanted:
            continue
        print(f"\n=== {path.stem} ===", flush=True)
        started = time.monotonic()
        result = subprocess.run([sys.executable, str(path)], cwd=HERE.parent)
        print(f"--- {path.stem}: {time.monotonic() - started:.1f} s wall clock", flush=True)
        if result.returncode:
            failures.append(path.stem)
    if failures:
        print(f"\nFailed: {', '.join(failures)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
