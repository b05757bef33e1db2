"""The bench's set-based reads, on SQLite and PostgreSQL: a glance at each person's latest plan (next step,
focus and since when) and the direction of their latest reflection, for many people at once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import update

from bot.career.bench import PlanGlance
from bot.career.plan import Step, close_focus
from bot.career.reflection import Direction
from storage import plans as plan_store
from storage import reflections as reflection_store
from storage.db import Database
from storage.models import PlanVersion
from tests import builders
from tests.builders import NOW, a_plan, a_reflection

SENIOR, STAFF = a_plan().steps


def test_a_glance_at_each_latest_plan_and_nobody_elses(db: Database) -> None:
    with db.session() as session:
        ana, ben, cai, dan = (builders.person(session, u) for u in ("U0ANA", "U0BEN", "U0CAI", "U0DAN"))
        builders.plan_version(session, "U0ANA", a_plan("old"), now=NOW - timedelta(days=9))
        builders.plan_version(session, "U0ANA", replace(a_plan(), steps=(replace(SENIOR, done=True), STAFF)))
        builders.plan_version(session, "U0BEN", replace(a_plan(), steps=(replace(SENIOR, done=True),)))
        builders.plan_version(session, "U0CAI", close_focus(close_focus(a_plan(), date(2026, 11, 1)), NOW.date()))
        builders.plan_version(session, "U0EVE")  # not asked about
    with db.session() as session:
        glances = plan_store.plan_glances(session, [ana, ben, cai, dan])
        assert plan_store.plan_glances(session, []) == {}
    assert glances == {
        ana: PlanGlance(STAFF, "Leading design reviews", NOW.date()),
        ben: PlanGlance(None, "Leading design reviews", NOW.date()),  # every step reached
        cai: PlanGlance(SENIOR, None, None),  # every gap closed
    }  # Dan has no plan; Eve was not asked about


def test_a_version_saved_before_focus_dates_were_kept_has_its_focus_from_the_day_it_was_saved(db: Database) -> None:
    with db.session() as session:
        ana = builders.person(session, "U0ANA")
        saved = builders.plan_version(session, "U0ANA", now=NOW - timedelta(days=20))
        session.execute(update(PlanVersion).where(PlanVersion.id == saved.id).values(focus_since=None))
    with db.session() as session:
        glance = plan_store.plan_glances(session, [ana])[ana]
        latest = plan_store.latest_plan(session, ana)
    assert glance.focus_since == (NOW - timedelta(days=20)).date()
    assert latest is not None and glance == PlanGlance.of(latest.plan)  # the same rule as the whole plan's


def test_the_direction_of_each_latest_reflection(db: Database) -> None:
    with db.session() as session:
        ana, ben, dan = (builders.person(session, u) for u in ("U0ANA", "U0BEN", "U0DAN"))
        builders.reflection(session, "U0ANA", a_reflection(direction=Direction.NOT_SURE), now=NOW - timedelta(days=1))
        builders.reflection(session, "U0ANA", a_reflection(direction=Direction.GROW_IN_ROLE))
        builders.reflection(session, "U0ANA", a_reflection(direction=Direction.NEXT_STEP), now=NOW - timedelta(days=2))
        builders.reflection(session, "U0BEN", a_reflection(direction=Direction.NEXT_STEP))
        builders.reflection(session, "U0BEN", a_reflection(direction=None))  # the same moment: the later-written
        builders.reflection(session, "U0CAI", a_reflection(direction=Direction.DIFFERENT_PATH))
    with db.session() as session:
        directions = reflection_store.latest_directions(session, [ana, ben, dan])
        assert reflection_store.latest_directions(session, []) == {}
    assert directions == {ana: Direction.GROW_IN_ROLE, ben: None}  # Dan never reflected; Cai was not asked about


def test_a_step_is_matched_to_its_own_plan_among_many(db: Database) -> None:
    with db.session() as session:
        ids = []
        for n in range(30):
            user = f"U0R{n:03d}"
            ids.append(builders.person(session, user))
            builders.plan_version(session, user, replace(a_plan(), steps=(Step(f"step {n}", date(2027, 1, 1 + n)),)))
    with db.session() as session:
        glances = plan_store.plan_glances(session, ids)
    assert [glances[i].next_step for i in ids] == [Step(f"step {n}", date(2027, 1, 1 + n)) for n in range(30)]
