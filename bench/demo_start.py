"""Time `careerplan demo` from the command to its page served (DESIGN.md §8: within 10 s on a fresh clone).

    python bench/demo_start.py [--runs 5]

Each run starts `careerplan demo --port 0 --fresh` in a new data folder (the first start: migrations and the demo
organisation seeded), reads the URL it prints, and fetches the page; then a second start on the same folder (the
demo kept). Prints min / median / max of each. Figures only; no pass/fail.
"""

from __future__ import annotations

import argparse
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.cli import careerplan, clean_env


def start_to_page(data: Path, *extra: str) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(
        careerplan("demo", "--port", "0", "--data", str(data), *extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=clean_env(),
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if "open http://" in line:
                url = line.split("open ", 1)[1].split()[0]
                with urllib.request.urlopen(url, timeout=30) as answer:
                    answer.read()
                return time.perf_counter() - started
        raise RuntimeError("careerplan demo printed no URL")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    first, again = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "careerplan-demo"
            first.append(start_to_page(data, "--fresh"))
            again.append(start_to_page(data))
    for name, times in (("first start (seeding)", first), ("start again (kept)", again)):
        print(
            f"{name:24} min {min(times):.2f} s  median {statistics.median(times):.2f} s  max {max(times):.2f} s"
            f"  ({len(times)} runs)"
        )


if __name__ == "__main__":
    main()
