"""erase_answers on SQLite and PostgreSQL: every answer row of one person goes (steps and gaps by cascade),
the words of the career conversations on their lines (as report or manager) are emptied, everyone else's
stay, and so do the person, their reporting lines (sharing switched off) and the conversations' dates."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from bot.career.cadence import ExperimentKind
from bot.career.plan import Goal, GoalKind, Plan, PlanForm, Step
from bot.career.reflection import Direction, Reflection, Why
from storage import plans as store
from storage.conversations import NewExperiment, Schedule
from storage.db import Database
from storage.models import (
    Base,
    Conversation,
    Experiment,
    Person,
    PlanDraft,
    PlanFeedback,
    PlanGap,
    PlanShare,
    PlanStep,
    PlanVersion,
    ReflectionEntry,
    ReportingLine,
)
from storage.own_data import ERASED_KEYS, erase_answers
from tests import builders
from tests.builders import NOW

TEAM = "T1"
HOSTILE = "<!channel> & 🚀\nsecond line"


def a_plan(goal: str, steps: int, gaps: int) -> Plan:
    return Plan(
        goal=Goal(kind=GoalKind.OWN, text=goal, year_from_now=HOSTILE),
        steps=tuple(Step(f"Step {n}", date(2027 + n, 1, 1)) for n in range(steps)),
        gaps=tuple(f"Gap {n} {HOSTILE}" for n in range(gaps)),
    )


def fill(session: Session, user_id: str) -> int:
    """Two plan versions (2+3 steps, 1+2 gaps), a draft and two reflections for `user_id`."""
    person = builders.person(session, user_id, team=TEAM)
    builders.plan_version(session, user_id, a_plan(f"{user_id} first", 2, 1), team=TEAM)
    builders.plan_version(session, user_id, a_plan(f"{user_id} second", 3, 2), team=TEAM, now=NOW + timedelta(days=1))
    store.put_draft(session, person, "V1", PlanForm(goal_text=HOSTILE), NOW)
    for n in range(2):
        reflection = Reflection(HOSTILE, "", (Why.PAY,), "", Direction.NEXT_STEP)
        builders.reflection(session, user_id, reflection, team=TEAM, now=NOW + timedelta(hours=n))
    return person


def talk(session: Session, line_id: int, held_on: date, *, skipped: bool = False) -> None:
    """A conversation held (notes and two experiments) or a cycle skipped (a reason) on the line."""
    schedule = Schedule(held_on + timedelta(90), held_on + timedelta(87), 3)
    if skipped:
        builders.skipped_conversation(session, line_id, held_on, f"reason {HOSTILE}", schedule=schedule)
        return
    experiments = [
        NewExperiment(ExperimentKind.SHADOWING, f"shadow {HOSTILE}", held_on + timedelta(30)),
        NewExperiment(ExperimentKind.MENTORSHIP, "", held_on + timedelta(60)),
    ]
    builders.held_conversation(
        session,
        line_id,
        held_on,
        notes=f"notes {HOSTILE}",
        notes_shared=True,
        experiments=experiments,
        schedule=schedule,
    )


def words_by_line(session: Session) -> dict[int, list[tuple[str, ...]]]:
    """Every conversation's and experiment's words (and what stays with them), by line."""
    found: dict[int, list[tuple[str, ...]]] = {}
    for c in session.scalars(select(Conversation).order_by(Conversation.id)):
        found.setdefault(c.line_id, []).append((c.kind, c.held_on.isoformat(), c.notes, c.skip_reason))
    for e in session.scalars(select(Experiment).order_by(Experiment.id)):
        found.setdefault(e.line_id, []).append((e.kind, e.ends_on.isoformat(), e.what))
    return found


def answer_rows(session: Session, person: int, version_ids: list[int]) -> dict[str, int]:
    """Rows holding the person's answers; steps and gaps looked up by their (former) version ids."""

    def count(model: type[Base], where: ColumnElement[bool]) -> int:
        return session.scalar(select(func.count()).select_from(model).where(where)) or 0

    return {
        "plan_versions": count(PlanVersion, PlanVersion.person_id == person),
        "plan_steps": count(PlanStep, PlanStep.plan_version_id.in_(version_ids)),
        "plan_gaps": count(PlanGap, PlanGap.plan_version_id.in_(version_ids)),
        "plan_drafts": count(PlanDraft, PlanDraft.person_id == person),
        "reflections": count(ReflectionEntry, ReflectionEntry.person_id == person),
    }


def version_ids(session: Session, person: int) -> list[int]:
    return list(session.scalars(select(PlanVersion.id).where(PlanVersion.person_id == person)))


def test_erasing_removes_every_answer_of_that_person_and_nobody_elses(db: Database) -> None:
    with db.session() as session:
        ana, bo = fill(session, "U0ANA"), fill(session, "U0BO")
        ana_line = builders.active_line(session, "U0ANA", "U0M", started_on=date(2026, 1, 5), shared=True, team=TEAM)
        # Bo shares with Ana, Bo's manager.
        bo_line = builders.active_line(session, "U0BO", "U0ANA", started_on=date(2026, 2, 1), shared=True, team=TEAM)
        carol_line = builders.active_line(session, "U0CAROL", "U0M", started_on=date(2026, 1, 1), team=TEAM)
        talk(session, ana_line.id, date(2026, 2, 1))  # Ana is the report
        talk(session, ana_line.id, date(2026, 5, 1), skipped=True)
        talk(session, bo_line.id, date(2026, 3, 1))  # Ana is the manager
        talk(session, carol_line.id, date(2026, 2, 1))  # Ana is not on this line
        builders.feedback(session, "U0ANA", "U0M", f"on Ana's v1 {HOSTILE}", version=1, team=TEAM)
        builders.feedback(session, "U0ANA", "U0M", "on Ana's v2", team=TEAM)
        builders.feedback(session, "U0BO", "U0ANA", "Ana's words on Bo's plan", team=TEAM)  # Ana is Bo's manager
        builders.feedback(session, "U0BO", "U0M", "someone else's words on Bo's plan", team=TEAM)
    with db.session() as session:
        ana_versions, bo_versions = version_ids(session, ana), version_ids(session, bo)
        bo_before = answer_rows(session, bo, bo_versions)
        assert answer_rows(session, ana, ana_versions) == bo_before
        words_before = words_by_line(session)

    with db.session() as session:
        counts = erase_answers(session, ana)

    assert counts == {
        "plan_versions": 2,
        "plan_steps": 5,
        "plan_gaps": 3,
        "plan_drafts": 1,
        "reflections": 2,
        "feedback_received": 2,  # went with her versions (ON DELETE CASCADE)
        "feedback_written": 1,  # her words on Bo's plan
        "conversation_notes": 3,  # two on her line as a report (one held, one skipped), one as Bo's manager
        "experiment_descriptions": 2,  # the described ones; an empty description had nothing to erase
        "shares_stopped": 1,
        "plan_shares": 0,
        "gap_suggestions_written": 0,  # tests/storage/test_asks.py erases asks for gaps
        "gap_asks": 0,
        "gap_suggestions_received": 0,
    }
    assert tuple(counts) == ERASED_KEYS
    with db.session() as session:
        # Steps and gaps went with their versions (ON DELETE CASCADE), checked by the old ids, not by a join.
        assert answer_rows(session, ana, ana_versions) == dict.fromkeys(bo_before, 0)
        assert answer_rows(session, bo, bo_versions) == bo_before
        assert store.latest_plan(session, bo) is not None
        # The person and both lines stay, active; only Ana's own sharing is off.
        assert session.get(Person, ana) is not None
        lines = {row.id: row for row in session.scalars(select(ReportingLine))}
        assert set(lines) == {ana_line.id, bo_line.id, carol_line.id}
        assert lines[ana_line.id].status == "active" and lines[ana_line.id].shared_at is None
        assert lines[ana_line.id].started_on == date(2026, 1, 5)
        assert lines[bo_line.id].shared_at is not None
        # The words of conversations on Ana's lines are gone; their kinds and dates stay. Carol's stay whole.
        words = words_by_line(session)
        for line_id in (ana_line.id, bo_line.id):
            assert words[line_id] == [(*kept[:2], *[""] * (len(kept) - 2)) for kept in words_before[line_id]]
        assert words[carol_line.id] == words_before[carol_line.id]
        assert words[carol_line.id][0][2] == f"notes {HOSTILE}"
        # Of all the feedback, only the note neither written by Ana nor about her plan stays.
        assert session.scalars(select(PlanFeedback.text)).all() == ["someone else's words on Bo's plan"]


def test_erasing_twice_or_for_someone_with_nothing_saved_removes_nothing(db: Database) -> None:
    with db.session() as session:
        ana = fill(session, "U0ANA")
        empty = builders.person(session, "U0EMPTY", team=TEAM)
    with db.session() as session:
        assert sum(erase_answers(session, ana).values()) > 0
    with db.session() as session:
        assert erase_answers(session, ana) == dict.fromkeys(ERASED_KEYS, 0)
        assert erase_answers(session, empty) == dict.fromkeys(ERASED_KEYS, 0)


def test_a_failed_transaction_erases_nothing(db: Database) -> None:
    with db.session() as session:
        ana = fill(session, "U0ANA")
    try:
        with db.session() as session:
            erase_answers(session, ana)
            raise RuntimeError("the request died half way")
    except RuntimeError:
        pass
    with db.session() as session:
        assert answer_rows(session, ana, version_ids(session, ana))["plan_versions"] == 2


def test_closed_gaps_and_their_words_go_with_the_plan(db: Database) -> None:
    with db.session() as session:
        ana = builders.person(session, "U0ANA", team=TEAM)
        builders.plan_version(session, "U0ANA", builders.a_plan_with_closed_gaps(note=f"how {HOSTILE}"), team=TEAM)
    with db.session() as session:
        assert erase_answers(session, ana)["plan_gaps"] == 2  # the open one and the closed one
    with db.session() as session:
        left = session.scalars(select(PlanGap.note).where(PlanGap.note.is_not(None))).all()
        assert left == [] and store.latest_plan(session, ana) is None


def test_erasing_removes_the_persons_shares_as_owner_and_as_viewer_and_nobody_elses(db: Database) -> None:
    with db.session() as session:
        ana = fill(session, "U0ANA")
        builders.plan_share(session, "U0ANA", "U0MENTOR", team=TEAM)
        builders.plan_share(session, "U0ANA", "U0COACH", revoked=True, team=TEAM)  # history goes too
        builders.plan_share(session, "U0BO", "U0ANA", team=TEAM)  # Bo shares with Ana
        builders.plan_share(session, "U0BO", "U0MENTOR", team=TEAM)  # not Ana's at all
    with db.session() as session:
        counts = erase_answers(session, ana)
    assert counts["plan_shares"] == 3
    with db.session() as session:
        left = session.execute(
            select(PlanShare.owner_id, PlanShare.viewer_id).where(PlanShare.revoked_at.is_(None))
        ).all()
        bo, mentor = (session.scalar(select(Person.id).where(Person.slack_user_id == u)) for u in ("U0BO", "U0MENTOR"))
    assert left == [(bo, mentor)]
