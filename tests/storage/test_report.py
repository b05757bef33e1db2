"""storage.report on both backends: every team's tallies of a small organisation against the figures worked out
by hand in tests/reportorg.py, with the period's edges and the people's own days."""

from __future__ import annotations

from datetime import date, timedelta

from bot.career.report import TeamTally
from storage import report as store
from storage.db import Database
from tests.builders import TEAM
from tests.reportorg import (
    EXPECTED_LATE_DAYS,
    EXPECTED_TALLIES,
    PERIOD_SINCE,
    PERIOD_UNTIL,
    REPORT_NOW,
    M,
    X,
    Z,
    build_report_org,
)


def _tallies(db: Database, since: date = PERIOD_SINCE, until: date = PERIOD_UNTIL) -> dict[str | None, TeamTally]:
    with db.session() as session:
        found = store.team_tallies(session, TEAM, store.Period(since, until, REPORT_NOW))
    return {tally.label if tally.manager is not None else None: tally for tally in found}


def test_every_teams_counts_are_the_hand_computed_ones(db: Database) -> None:
    with db.session() as session:
        build_report_org(session)
    tallies = _tallies(db)
    assert {label: {k: v for k, v in tally.counts.items() if v} for label, tally in tallies.items()} == EXPECTED_TALLIES
    late = {label: dict(tally.late_days) for label, tally in tallies.items() if label is not None}
    assert late == EXPECTED_LATE_DAYS


def test_each_team_knows_its_managers_manager(db: Database) -> None:
    with db.session() as session:
        ids = build_report_org(session)
    tallies = _tallies(db)
    assert tallies[M].parent == ids.people[X]
    assert tallies[X].parent is None


def test_the_periods_edges_are_days_included_and_plans_count_on_their_owners_day(db: Database) -> None:
    with db.session() as session:
        build_report_org(session)
    # One day shorter at each end: D's talk on January 1 and B's skip on June 30 drop out, and so do the plans
    # saved at 00:30 on January 1 in Los Angeles (E) and at 23:30 on June 30 in Tokyo (B).
    shorter = _tallies(db, PERIOD_SINCE + timedelta(days=1), PERIOD_UNTIL - timedelta(days=1))
    assert shorter[X].counts.get("conversations.held", 0) == 0
    assert shorter[M].counts.get("conversations.skipped", 0) == 0
    assert shorter[X].counts.get("plans.revised", 0) == 0
    assert shorter[M].counts["plans.revised"] == 1
    # One day longer at the end: M's talk on July 1 comes in, and so does C's plan saved at 00:30 on July 1 in Tokyo.
    longer = _tallies(db, PERIOD_SINCE, PERIOD_UNTIL + timedelta(days=1))
    assert longer[X].counts["conversations.held.2026-07"] == 1
    assert longer[M].counts["plans.revised"] == 3


def test_overdue_is_counted_on_the_managers_own_day(db: Database) -> None:
    with db.session() as session:
        build_report_org(session)
    tallies = _tallies(db)
    # Both lines were due on November 21: it is the 22nd in Auckland already, still the 21st in UTC.
    assert tallies[Z].counts["cadence.overdue"] == 1
    assert tallies[Z].late_days == {1: 1}


def test_another_workspace_counts_nothing(db: Database) -> None:
    with db.session() as session:
        build_report_org(session)
        found = store.team_tallies(session, "T0OTHER00", store.Period(PERIOD_SINCE, PERIOD_UNTIL, REPORT_NOW))
        assert found == []
        assert store.workspace_ids(session) == [TEAM]
