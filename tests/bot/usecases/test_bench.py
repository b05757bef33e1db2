"""The manager's bench as Home reads it, on a seeded organisation, on SQLite and PostgreSQL: every entry and
count against figures worked out by hand from the seed, and the reads set-based (as many for 40 reports as
for 4)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from bot.career.bench import Bench, BenchEntry
from bot.career.plan import Goal, GoalKind, Plan, Step, close_focus
from bot.career.reflection import Direction
from bot.slack.blocks.home import home_view
from bot.usecases.common import Who
from bot.usecases.plans import Plans
from storage import lines as line_store
from storage.db import Database
from tests import builders
from tests.builders import NOW, TEAM
from tests.clock import Clock

BOSS, OTHER_BOSS, OTHER_TEAM = "U0BOSS", "U0OTHERBOSS", "T0OTHER"
ANA, BEN, CAI, DAN, EVE, FAY, GUS, HAL, IVY, JO, KIM = (
    "U0ANA", "U0BEN", "U0CAI", "U0DAN", "U0EVE", "U0FAY", "U0GUS", "U0HAL", "U0IVY", "U0JO", "U0KIM",
)  # fmt: skip
SECRET = "Eve's secret: interviewing elsewhere"
TECH_LEAD = Step("Tech lead", date(2026, 3, 31), done=True)
STAFF = Step("Staff engineer", date(2027, 9, 30))
SENIOR = builders.a_plan().steps[0]  # the next step of the builders' plan: senior engineer by 30 Sep 2027
THREE_WEEKS_AGO = NOW.date() - timedelta(weeks=3)  # 31 Oct 2026


def plan(*steps: Step, gaps: tuple[str, ...], since: date | None) -> Plan:
    return Plan(Goal(GoalKind.OWN, "Lead a platform team"), steps, gaps, focus_since=since)


@pytest.fixture
def seeded(db: Database) -> Database:
    """Boss's organisation (the hand-worked bench in each test's expectations):

    ANA shares: plan v1 then v2 (tech lead reached, staff engineer next; design reviews the focus for 3 weeks);
        reflected "not sure" a month ago, "next step" last week.
    BEN shares: every step reached, every gap closed; reflected "next step" once, then "grow in this role".
    CAI shares: no plan; reflected "different path".
    DAN shares: the builders' plan (senior engineer next, design reviews the focus since today); two reflections
        at the same moment, the later-written without a direction.
    EVE does not share: a plan and a reflection, each with a secret. FAY does not share and wrote nothing.
    IVY does not share with her line, though she once shared her plan with Boss as a named viewer.
    Not Boss's reports: GUS (shared, but the line ended: he reports to another boss now), HAL (a request not yet
    confirmed), JO (Boss's report, shared, in another workspace), KIM (shares with another boss).
    """
    month_ago, week_ago = NOW - timedelta(days=30), NOW - timedelta(days=7)
    with db.session() as session:
        builders.person(session, BOSS)
        for report in (ANA, BEN, CAI, DAN):
            builders.active_line(session, report, BOSS, shared=True, started_on=date(2026, 1, 5))
        for report in (EVE, FAY, IVY):
            builders.active_line(session, report, BOSS, started_on=date(2026, 1, 5))

        builders.plan_version(session, ANA, plan(STAFF, gaps=("An old gap",), since=date(2026, 1, 1)), now=month_ago)
        steps = (TECH_LEAD, STAFF, Step("Principal", date(2029, 1, 1)))
        current = plan(*steps, gaps=("Leading design reviews", "Mentoring"), since=THREE_WEEKS_AGO)
        builders.plan_version(session, ANA, current, now=week_ago)
        builders.reflection(session, ANA, builders.a_reflection(direction=Direction.NOT_SURE), now=month_ago)
        builders.reflection(session, ANA, builders.a_reflection(direction=Direction.NEXT_STEP), now=week_ago)

        reached = plan(TECH_LEAD, gaps=("Public speaking",), since=date(2026, 6, 1))
        builders.plan_version(session, BEN, close_focus(reached, date(2026, 11, 1)))
        builders.reflection(session, BEN, builders.a_reflection(direction=Direction.NEXT_STEP), now=month_ago)
        builders.reflection(session, BEN, builders.a_reflection(direction=Direction.GROW_IN_ROLE), now=week_ago)

        builders.reflection(session, CAI, builders.a_reflection(direction=Direction.DIFFERENT_PATH))

        builders.plan_version(session, DAN)
        builders.reflection(session, DAN, builders.a_reflection(direction=Direction.NEXT_STEP))
        builders.reflection(session, DAN, builders.a_reflection(direction=None))

        builders.plan_version(session, EVE, builders.a_plan(SECRET))
        builders.reflection(session, EVE, builders.a_reflection(SECRET, direction=Direction.NEXT_STEP))
        builders.plan_version(session, IVY, builders.a_plan(SECRET))
        builders.plan_share(session, IVY, BOSS)

        gus = builders.active_line(session, GUS, BOSS, shared=True)
        builders.ended_line(session, gus)
        builders.active_line(session, GUS, OTHER_BOSS, shared=True)
        builders.pending_line(session, HAL, BOSS)
        builders.active_line(session, JO, BOSS, shared=True, team=OTHER_TEAM)
        builders.active_line(session, KIM, OTHER_BOSS, shared=True)
        for report in (GUS, HAL, JO, KIM):
            team = OTHER_TEAM if report == JO else TEAM
            builders.plan_version(session, report, builders.a_plan(SECRET), team=team)
            builders.reflection(session, report, builders.a_reflection(SECRET), team=team)
    return db


def bench_of(db: Database, user: str = BOSS, team: str = TEAM) -> Bench | None:
    return Plans(db, Clock(NOW)).home(Who(team_id=team, user_id=user)).bench


EXPECTED = Bench(
    entries=[
        BenchEntry(ANA, Direction.NEXT_STEP, STAFF, True, "Leading design reviews", THREE_WEEKS_AGO),
        BenchEntry(BEN, Direction.GROW_IN_ROLE, None, True, None, None),
        BenchEntry(CAI, Direction.DIFFERENT_PATH),
        BenchEntry(DAN, None, SENIOR, True, "Leading design reviews", NOW.date()),  # the builders' plan
    ],
    sharing=4,
    team_size=7,  # ANA, BEN, CAI, DAN, EVE, FAY, IVY
)


def test_every_entry_and_count_of_the_seeded_bench(seeded: Database) -> None:
    assert bench_of(seeded) == EXPECTED
    assert SECRET not in repr(bench_of(seeded))


def test_the_home_shows_the_hand_worked_figures_and_nothing_of_who_does_not_share(seeded: Database) -> None:
    home = Plans(seeded, Clock(NOW)).home(Who(team_id=TEAM, user_id=BOSS))
    text = str(home_view(home)["blocks"])
    assert (
        "*4 of 7* share their plans with you · leaning next step: 1, grow in this role: 1, different path: 1." in text
    )
    assert (
        f"<@{ANA}> — leaning *next step* · next step: *Staff engineer* by 30 Sep 2027 · "
        "focus: *Leading design reviews* (for 3 weeks)"
    ) in text
    assert f"<@{BEN}> — leaning *grow in this role* · every step reached · no open gap" in text
    assert f"<@{CAI}> — leaning *different path* · no plan yet" in text
    assert (
        f"<@{DAN}> — no direction yet · next step: *Senior engineer* by 30 Sep 2027 · "
        "focus: *Leading design reviews* (since today)"
    ) in text
    assert SECRET not in text
    for outsider in (GUS, HAL, JO, KIM):
        assert outsider not in text
    # Those who don't share are in the team list (dates only), never on the bench.
    bench_part = text[text.index("Your bench") :]
    for unshared in (EVE, FAY, IVY):
        assert unshared not in bench_part


def test_a_report_who_stops_sharing_leaves_the_bench_at_once(seeded: Database) -> None:
    with seeded.session() as session:
        line = line_store.active_line_of(session, builders.person(session, ANA))
        assert line is not None
        assert line_store.set_shared(session, line.id, False, NOW)
    bench = bench_of(seeded)
    assert bench is not None
    assert [entry.report for entry in bench.entries] == [BEN, CAI, DAN]
    assert (bench.sharing, bench.team_size) == (3, 7)


def test_a_former_manager_has_no_bench_and_the_new_one_starts_with_what_is_shared(seeded: Database) -> None:
    with seeded.session() as session:
        builders.new_manager(session, ANA, OTHER_BOSS)  # sharing never carries over to a new manager
    bench = bench_of(seeded)
    assert bench is not None and ANA not in [entry.report for entry in bench.entries]
    assert (bench.sharing, bench.team_size) == (3, 6)
    other = bench_of(seeded, OTHER_BOSS)
    assert other is not None
    assert other.entries == [
        BenchEntry(GUS, Direction.NEXT_STEP, SENIOR, True, "Leading design reviews", NOW.date()),
        BenchEntry(KIM, Direction.NEXT_STEP, SENIOR, True, "Leading design reviews", NOW.date()),
    ]
    assert (other.sharing, other.team_size) == (2, 3)  # GUS, KIM; ANA is not sharing with them


def test_the_same_manager_id_in_another_workspace_has_only_that_workspaces_bench(seeded: Database) -> None:
    bench = bench_of(seeded, BOSS, OTHER_TEAM)
    assert bench is not None
    assert [entry.report for entry in bench.entries] == [JO]
    assert (bench.sharing, bench.team_size) == (1, 1)


def test_someone_without_reports_has_no_bench(seeded: Database) -> None:
    assert bench_of(seeded, ANA) is None
    assert bench_of(seeded, "U0NOBODY") is None


def statements_for_home(db: Database, user: str) -> int:
    executed: list[Any] = []

    def count(*_: Any) -> None:
        executed.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        Plans(db, Clock(NOW)).home(Who(team_id=TEAM, user_id=user))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(executed)


def test_the_bench_is_read_in_as_many_statements_for_forty_reports_as_for_four(db: Database) -> None:
    def seed(manager: str, reports: int) -> None:
        with db.session() as session:
            for n in range(reports):
                report = f"{manager}R{n:03d}"
                builders.active_line(session, report, manager, shared=True)
                builders.plan_version(session, report, replace(builders.a_plan(), focus_since=NOW.date()))
                builders.reflection(session, report)

    seed("U0SMALL", 4)
    seed("U0LARGE", 40)
    assert statements_for_home(db, "U0SMALL") == statements_for_home(db, "U0LARGE")
    large = bench_of(db, "U0LARGE")
    assert large is not None and (large.sharing, len(large.entries)) == (40, 40)
