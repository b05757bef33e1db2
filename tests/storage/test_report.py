"""storage.report on both backends: every team's tallies of a small organisation against the figures worked out
by hand in tests/reportorg.py, with the period's edges and the people's own days."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from bench.seed import MONDAY_10AM_NEW_YORK, seed
from bot.career.cadence import local_day
from bot.career.report import TeamTally
from bot.usecases.report import default_since_until
from storage import report as store
from storage.db import Database, as_utc
from storage.models import Conversation, Experiment, Person, PlanShare, PlanVersion, ReportingLine
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


def _row_by_row(db: Database, since: date, until: date, now: datetime) -> dict[str | None, dict[str, int]]:
    """The same tallies, counted the slow way: every row loaded and each rule applied in Python, day by day in
    each person's own time zone. What the grouped reads must agree with on any organisation."""
    with db.session() as session:
        people = {p.id: p for p in session.scalars(select(Person).where(Person.team_id == TEAM))}
        lines = [line for line in session.scalars(select(ReportingLine)) if line.manager_id in people]
        talks = list(session.scalars(select(Conversation)))
        experiments = list(session.scalars(select(Experiment)))
        versions = list(session.scalars(select(PlanVersion)))
        shares = {s.owner_id for s in session.scalars(select(PlanShare)) if s.revoked_at is None}
    counts: dict[int | None, Counter[str]] = defaultdict(Counter)
    by_id = {line.id: line for line in lines}
    first_held: dict[int, date] = {}
    for talk in talks:
        if talk.kind == "held":
            first_held[talk.line_id] = min(first_held.get(talk.line_id, talk.held_on), talk.held_on)

    def today_of(person_id: int) -> date:
        return local_day(now, people[person_id].tz)

    for line in lines:
        if line.status not in ("active", "ended"):
            continue
        team, today = counts[line.manager_id], today_of(line.manager_id)
        active = line.status == "active"
        team["lines.active"] += active
        if line.started_on is not None and since <= line.started_on <= until:
            team["lines.new"] += 1
            held = first_held.get(line.id)
            on_time = held is not None and (held - line.started_on).days <= 30
            team["first_month.on_time"] += on_time
            team["first_month.due"] += on_time or (today - line.started_on).days > 30
        if active and line.next_due_on is not None:
            team["cadence.lines"] += 1
            team["cadence.on"] += (today - line.next_due_on).days <= 14
            team["cadence.overdue"] += line.next_due_on < today
    for talk in talks:
        on = by_id.get(talk.line_id)
        if on is None or not since <= talk.held_on <= until:
            continue
        if talk.kind == "held":
            counts[on.manager_id]["conversations.held"] += 1
            counts[on.manager_id][f"conversations.held.{talk.held_on:%Y-%m}"] += 1
        else:
            counts[on.manager_id]["conversations.skipped"] += 1
    held_on = {talk.id: talk.held_on for talk in talks}
    for experiment in experiments:
        of = by_id.get(experiment.line_id)
        if of is None:
            continue
        if since <= held_on[experiment.conversation_id] <= until:
            counts[of.manager_id]["experiments.agreed"] += 1
        if since <= experiment.ends_on <= until and experiment.ends_on < today_of(of.manager_id):
            outcome = experiment.manager_outcome or experiment.report_outcome or "unanswered"
            counts[of.manager_id]["experiments.ended"] += 1
            counts[of.manager_id][f"experiments.outcome.{outcome}"] += 1
    manager_of = {line.report_id: line for line in lines if line.status == "active"}
    saved: dict[int, list[datetime]] = defaultdict(list)
    for version in versions:
        saved[version.person_id].append(as_utc(version.created_at))
    for person_id, person in people.items():
        if person.deactivated_at is not None:
            continue
        current = manager_of.get(person_id)
        team = counts[current.manager_id if current is not None else None]
        plans = [moment for moment in saved[person_id] if moment <= now]
        team["people"] += 1
        team["plans.with_plan"] += bool(plans)
        team["plans.revised"] += any(since <= local_day(moment, person.tz) <= until for moment in plans)
        shared = (current is not None and current.shared_at is not None) or person_id in shares
        team["plans.sharing"] += bool(plans) and shared
    return {
        (people[key].slack_user_id if key is not None else None): {k: v for k, v in team.items() if v}
        for key, team in counts.items()
    }


@pytest.mark.parametrize("lines", [60, 400])
def test_a_seeded_organisation_agrees_with_a_row_by_row_count(db: Database, lines: int) -> None:
    seed(db, lines, now=MONDAY_10AM_NEW_YORK, rng_seed=lines)
    since, until = default_since_until(MONDAY_10AM_NEW_YORK)
    with db.session() as session:
        found = store.team_tallies(session, TEAM, store.Period(since, until, MONDAY_10AM_NEW_YORK))
    grouped = {t.label if t.manager is not None else None: {k: v for k, v in t.counts.items() if v} for t in found}
    assert grouped == _row_by_row(db, since, until, MONDAY_10AM_NEW_YORK)
