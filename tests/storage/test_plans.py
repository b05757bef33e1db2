"""Plan storage: versions kept as history, exact text round trips, drafts, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from bot.career.plan import ClosedGap, PlanForm, StepForm, close_focus, reopen
from storage import people
from storage import plans as store
from storage.db import Database
from storage.models import PlanDraft, PlanVersion
from tests.builders import a_plan, a_plan_with_closed_gaps

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
HOSTILE = "<!channel> <@U0BOSS> <http://evil.example|click me> & &amp; 🚀 “quotes” \\ ' \" \n second line"


def test_a_person_is_created_once_even_when_asked_twice(db: Database) -> None:
    with db.session() as session:
        first = people.ensure_person(session, "T1", "U1", NOW)
    with db.session() as session:
        again = people.ensure_person(session, "T1", "U1", NOW)
        other_team = people.ensure_person(session, "T2", "U1", NOW)
    assert first == again
    assert other_team != first


def test_saving_keeps_every_version_and_latest_is_the_newest(db: Database) -> None:
    with db.session() as session:
        person = people.ensure_person(session, "T1", "U1", NOW)
        first = store.add_plan_version(session, person, a_plan("First goal"), NOW)
    with db.session() as session:
        second = store.add_plan_version(session, person, a_plan("Second goal"), NOW + timedelta(days=1))
    assert (first.version, second.version) == (1, 2)
    with db.session() as session:
        latest = store.latest_plan(session, person)
        history = store.plan_history(session, person)
    assert latest is not None
    assert latest.plan.goal.text == "Second goal"
    assert latest.saved_at == NOW + timedelta(days=1)
    assert [v.plan.goal.text for v in history] == ["First goal", "Second goal"]


def test_plans_round_trip_exactly_including_hostile_text(db: Database) -> None:
    plan = a_plan(HOSTILE)
    with db.session() as session:
        person = people.ensure_person(session, "T1", "U1", NOW)
        store.add_plan_version(session, person, plan, NOW)
    with db.session() as session:
        latest = store.latest_plan(session, person)
    assert latest is not None
    assert latest.plan == plan


def test_people_see_only_their_own_plan(db: Database) -> None:
    with db.session() as session:
        alice = people.ensure_person(session, "T1", "UALICE", NOW)
        bob = people.ensure_person(session, "T1", "UBOB", NOW)
        store.add_plan_version(session, person_id=alice, plan=a_plan("Alice's goal"), now=NOW)
    with db.session() as session:
        assert store.latest_plan(session, bob) is None
        assert people.find_person_id(session, "T2", "UALICE") is None


def test_drafts_keep_what_was_typed_per_open_wizard(db: Database) -> None:
    form = PlanForm(goal_kind="own", goal_text=HOSTILE, steps=[StepForm(title="x", words="not a date")])
    with db.session() as session:
        person = people.ensure_person(session, "T1", "U1", NOW)
        store.put_draft(session, person, "V1", form, NOW)
    with db.session() as session:
        assert store.get_draft(session, person, "V1") == PlanForm.from_json(form.to_json())
        assert store.get_draft(session, person, "V2") is None
        store.delete_draft(session, person, "V1")
    with db.session() as session:
        assert store.get_draft(session, person, "V1") is None


def test_abandoned_drafts_are_purged(db: Database) -> None:
    with db.session() as session:
        person = people.ensure_person(session, "T1", "U1", NOW)
        store.put_draft(session, person, "OLD", PlanForm(goal_text="old answers"), NOW)
    later = NOW + store.DRAFT_LIFETIME + timedelta(minutes=1)
    with db.session() as session:
        store.put_draft(session, person, "NEW", PlanForm(), later)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(PlanDraft)) == 1
        assert store.get_draft(session, person, "OLD") is None


def test_a_plan_version_is_written_in_one_transaction(db: Database) -> None:
    class Boom(Exception):
        pass

    with db.session() as session:
        person = people.ensure_person(session, "T1", "U1", NOW)
    try:
        with db.session() as session:
            store.add_plan_version(session, person, a_plan(), NOW)
            raise Boom
    except Boom:
        pass
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(PlanVersion)) == 0


def test_closed_gaps_and_the_focus_date_round_trip_and_stay_in_history(db: Database) -> None:
    plan = a_plan_with_closed_gaps(note=HOSTILE)
    reopened = reopen(plan, 0, NOW.date())
    with db.session() as session:
        person = people.ensure_person(session, "T1", "U1", NOW)
        store.add_plan_version(session, person, plan, NOW)
        store.add_plan_version(session, person, reopened, NOW + timedelta(days=1))
    with db.session() as session:
        latest = store.latest_plan(session, person)
        history = store.plan_history(session, person)
    assert latest is not None and latest.plan == reopened
    assert [saved.plan for saved in history] == [plan, reopened]
    assert history[0].plan.closed_gaps == (ClosedGap("Leading design reviews", date(2026, 11, 1), HOSTILE),)
    assert history[0].plan.gaps == ("Mentoring",) and history[0].plan.focus_since == date(2026, 11, 1)


def test_a_version_saved_before_focus_dates_has_its_focus_from_the_day_it_was_saved(db: Database) -> None:
    with db.session() as session:
        person = people.ensure_person(session, "T1", "U1", NOW)
        store.add_plan_version(session, person, replace(a_plan(), focus_since=None), NOW - timedelta(days=30))
    with db.session() as session:
        latest = store.latest_plan(session, person)
        (only,) = store.plan_history(session, person)
    assert latest is not None and latest.plan.focus_since == (NOW - timedelta(days=30)).date()
    assert only.plan.focus_since == latest.plan.focus_since
    assert latest.plan.closed_gaps == ()


def test_a_plan_with_every_gap_closed_has_no_focus(db: Database) -> None:
    plan = close_focus(a_plan_with_closed_gaps(), NOW.date())
    with db.session() as session:
        person = people.ensure_person(session, "T1", "U1", NOW)
        store.add_plan_version(session, person, plan, NOW)
    with db.session() as session:
        latest = store.latest_plan(session, person)
    assert latest is not None and latest.plan == plan
    assert latest.plan.focus_gap is None and latest.plan.focus_since is None
