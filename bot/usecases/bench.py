"""The manager's bench (issue 16) for their Home: reads only what the reports on it share, in a few set-based
reads whatever the size of the team (not one per report)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.career.bench import Bench, build_bench, on_bench
from storage import lines as line_store
from storage import plans as plan_store
from storage import reflections as reflection_store


def bench_of(session: Session, manager_id: int, manager: str) -> Bench:
    """`manager`'s bench (`manager_id` their person id): a glance at the plans, and the direction of the
    reflections, of the reports who share with them, and only theirs: an unshared report's answers are never
    loaded, let alone shown, and nobody's reflection words are."""
    reports = line_store.reports_with_ids(session, manager_id)
    readable = {report_id: line.report for report_id, line in reports if on_bench(manager, line)}
    plans = plan_store.plan_glances(session, readable.keys())
    directions = reflection_store.latest_directions(session, readable.keys())
    return build_bench(
        manager,
        [line for _, line in reports],
        {readable[report_id]: glance for report_id, glance in plans.items()},
        {readable[report_id]: direction for report_id, direction in directions.items()},
    )
