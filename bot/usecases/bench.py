"""The manager's bench (issue 16) for their Home: reads only what the reports on it share, in a few set-based
reads whatever the size of the team (not one per report)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.career.bench import Bench, build_bench, on_bench
from storage import lines as line_store
from storage import plans as plan_store
from storage import reflections as reflection_store


def bench_of(session: Session, manager_id: int, manager: str) -> Bench:
    """`manager`'s bench (`manager_id` their person id): the plans and reflections of the reports who share with
    them are read, and only theirs: an unshared report's answers are never loaded, let alone shown."""
    reports = line_store.reports_with_ids(session, manager_id)
    readable = {report_id: line.report for report_id, line in reports if on_bench(manager, line)}
    plans = plan_store.latest_plans(session, readable.keys())
    reflections = reflection_store.latest_reflections(session, readable.keys())
    return build_bench(
        manager,
        [line for _, line in reports],
        {readable[report_id]: saved.plan for report_id, saved in plans.items()},
        {readable[report_id]: saved.reflection for report_id, saved in reflections.items()},
    )
