"""Time `careerplan report` over a realistic organisation (bench/seed.py), on SQLite and PostgreSQL.

    python bench/report.py [--lines 1000 10000 100000] [--postgres URL]

For each size and backend it seeds the organisation, pins the clock to Monday 10:00 in New York, and measures
(median of 3 warm runs, in this process):

- *reads*: storage.report.team_tallies, every team's counts in a few grouped queries;
- *figures*: bot.career.report.build_report from those tallies (organisations summed, suppression);
- *table*, *csv*, *json*, *html*: each renderer on that report (html draws the two charts with matplotlib);
- *under a manager*: Reports.report for the organisation under the top's first report (reads and figures);

and, once, the whole command as an admin runs it, in a new process: `careerplan report --format json --html
FILE` (interpreter start, imports, reads, figures, JSON and the HTML page), the figure the target (< 5 s at
100,000 lines) is about. Figures only; no pass/fail.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.seed import MONDAY_10AM_NEW_YORK, bench_database, seed, slack_id
from bot.career.report import Report, TeamTally, build_report
from bot.report.html import render_html
from bot.report.render import render_csv, render_json, render_text
from bot.usecases.report import Reports, default_since_until
from storage import report as store
from tests.cli import clean_env
from tests.fakeslack import TEAM_ID

NOW = MONDAY_10AM_NEW_YORK
# The command in a new process reads this clock: the seeded organisation's "today".
FROZEN_CLOCK = """\
import sys
from datetime import datetime

import bot.usecases.common

bot.usecases.common.utc_now = lambda: datetime.fromisoformat(sys.argv[1])
from bot.cli import main

sys.exit(main(sys.argv[2:]))
"""


def median_ms(work: Callable[[], object], runs: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, result


def bench(backend: str, size: int, postgres_url: str | None) -> list[str]:
    rows: list[str] = []

    def row(what: str, ms: float, detail: str = "") -> None:
        rows.append(f"{backend:<10} {size:>7} {what:<18} {ms:>9.0f}  {detail}")

    since, until = default_since_until(NOW)
    with tempfile.TemporaryDirectory() as folder, bench_database(backend, folder, postgres_url) as (db, url):
        started = time.perf_counter()
        seed(db, size, now=NOW)
        row("seed", (time.perf_counter() - started) * 1000, "(not part of the report)")

        def reads() -> list[TeamTally]:
            with db.session() as session:
                return store.team_tallies(session, TEAM_ID, store.Period(since, until, NOW))

        ms, tallies = median_ms(reads)
        row("reads", ms, f"{len(tallies):,} teams' tallies")  # type: ignore[arg-type]
        ms, built = median_ms(
            lambda: build_report(TEAM_ID, tallies, since=since, until=until, generated_at=NOW)  # type: ignore[arg-type]
        )
        report = built
        assert isinstance(report, Report)
        row("figures", ms, f"{len(report.teams)} teams listed, {report.teams_not_listed:,} not")
        for name, renderer in (("table", render_text), ("csv", render_csv), ("json", render_json)):
            ms, out = median_ms(lambda renderer=renderer: renderer(report))  # type: ignore[misc]
            row(name, ms, f"{len(str(out)):,} characters")
        render_html(report)  # matplotlib's first import and font cache are not the renderer's cost
        ms, page = median_ms(lambda: render_html(report))
        row("html", ms, f"{len(str(page)):,} characters, 2 inline SVG charts")
        ms, _ = median_ms(
            lambda: Reports(db).report(TEAM_ID, since=since, until=until, now=NOW, under_user=slack_id(2))
        )
        row("under a manager", ms, f"--under {slack_id(2)}: reads and figures")
        page_file = Path(folder) / "report.html"
        command = [sys.executable, "-c", FROZEN_CLOCK, NOW.isoformat(), "report", "--format", "json"]
        command += ["--html", str(page_file)]
        for _ in range(3):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(command, env=clean_env(DATABASE_URL=url), capture_output=True, text=True, check=False)
            elapsed = (time.perf_counter() - started) * 1000
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
            status = "ok" if done.returncode == 0 else f"exit {done.returncode}: {done.stderr.strip()[:200]}"
            load = os.getloadavg()[0]
            row(
                "whole command",
                elapsed,
                f"new process, --format json --html FILE: {status}; its CPU {cpu:.0f} ms, load {load:.1f}",
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument(
        "--postgres",
        default=os.environ.get("CAREERPLAN_TEST_POSTGRES_URL"),
        help="a PostgreSQL URL to run on too (default: $CAREERPLAN_TEST_POSTGRES_URL)",
    )
    args = parser.parse_args()
    backends = ["sqlite"] + (["postgresql"] if args.postgres else [])
    print(f"careerplan report, clock pinned to {NOW:%A %Y-%m-%d %H:%M} UTC, the last 12 months, min group 5")
    print(f"{'backend':<10} {'lines':>7} {'what':<18} {'ms':>9}  detail")
    for backend in backends:
        for size in args.lines:
            for line in bench(backend, size, args.postgres):
                print(line, flush=True)


if __name__ == "__main__":
    main()
