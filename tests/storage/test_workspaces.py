"""The workspaces table's contract (SQLite, and PostgreSQL when configured): a workspace is marked inactive
once (a replay keeps the first moment and reason), comes back on reactivation, is left out of every sweep
query while inactive, and is purged with everything under it, and nothing of another workspace."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from bot.career.cadence import ExperimentKind, NudgeKind, NudgeStatus
from bot.career.people import InactiveReason
from storage import nudges as nudge_store
from storage import people
from storage import workspaces as store
from storage.conversations import NewExperiment
from storage.db import Database
from storage.models import (
    Conversation,
    Experiment,
    Nudge,
    Person,
    PlanDraft,
    PlanGap,
    PlanStep,
    PlanVersion,
    ReflectionEntry,
    ReportingLine,
    Workspace,
)
from tests import builders

GONE, STAYS = "T0GONE", "T0STAYS"
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
STARTED = date(2026, 11, 2)


def a_workspace(db: Database, team: str) -> int:
    """A workspace with one of everything: two people on an active line, a plan, a draft, a reflection, a
    conversation with an experiment ending, and a nudge owed. Returns the line's id."""
    with db.session() as session:
        line = builders.active_line(session, "UREPORT", "UBOSS", started_on=STARTED, team=team, now=NOW)
        builders.plan_version(session, "UREPORT", team=team, now=NOW)
        builders.reflection(session, "UREPORT", team=team, now=NOW)
        report = builders.person(session, "UREPORT", team=team, now=NOW)
        session.add(PlanDraft(person_id=report, root_view_id="V1", form="{}", updated_at=NOW))
        builders.held_conversation(
            session,
            line.id,
            date(2026, 11, 10),
            experiments=[NewExperiment(ExperimentKind.SHADOWING, "Shadow a staff engineer", date(2026, 11, 20))],
            now=NOW,
        )
        builders.nudge(session, line, NudgeKind.EXPERIMENT_ENDED, NudgeStatus.PENDING, due_on=date(2026, 11, 20))
    return line.id


def test_marking_a_workspace_inactive_happens_once_and_keeps_the_first_moment_and_reason(db: Database) -> None:
    a_workspace(db, GONE)
    with db.session() as session:
        assert store.mark_inactive(session, GONE, InactiveReason.UNINSTALLED, NOW)
    with db.session() as session:
        assert not store.mark_inactive(session, GONE, InactiveReason.TOKENS_REVOKED, NOW + timedelta(hours=1))
        assert store.inactive(session, GONE) == store.Inactive(NOW, InactiveReason.UNINSTALLED)
        assert store.inactive_teams(session) == [GONE]


def test_a_workspace_careerplan_never_met_is_not_created_by_an_uninstall(db: Database) -> None:
    with db.session() as session:
        assert not store.mark_inactive(session, "T0NEVER", InactiveReason.UNINSTALLED, NOW)
        assert session.get(Workspace, "T0NEVER") is None
        assert store.inactive(session, "T0NEVER") is None


def test_reactivation_clears_the_mark_once(db: Database) -> None:
    a_workspace(db, GONE)
    with db.session() as session:
        assert not store.reactivate(session, GONE)  # active already
        store.mark_inactive(session, GONE, InactiveReason.TOKENS_REVOKED, NOW)
    with db.session() as session:
        assert store.reactivate(session, GONE)
    with db.session() as session:
        assert not store.reactivate(session, GONE)
        assert store.inactive(session, GONE) is None
        assert store.inactive_teams(session) == []


def test_the_sweep_queries_leave_an_inactive_workspace_out_and_take_it_back_on_reactivation(db: Database) -> None:
    lines = {team: a_workspace(db, team) for team in (GONE, STAYS)}
    with db.session() as session:
        store.mark_inactive(session, GONE, InactiveReason.UNINSTALLED, NOW)
    later = NOW + timedelta(days=120)  # past the next conversation's first nudge

    def seen() -> tuple[set[int], set[int], set[int]]:
        with db.session() as session:
            return (
                {line.id for line in nudge_store.lines_to_nudge(session, later.date())},
                {group.line_id for group in nudge_store.experiments_to_ask(session, later.date())},
                {nudge.line_id for nudge in nudge_store.deliverable(session, later, 100)},
            )

    assert seen() == ({lines[STAYS]}, {lines[STAYS]}, {lines[STAYS]})
    with db.session() as session:
        store.reactivate(session, GONE)
    assert seen() == (set(lines.values()), set(lines.values()), set(lines.values()))


def test_an_inactive_workspaces_retries_are_not_delivered_either(db: Database) -> None:
    line_id = a_workspace(db, GONE)
    with db.session() as session:
        (nudge,) = nudge_store.deliverable(session, NOW, 10)
        attempt = nudge_store.claim(session, nudge.id, NOW)
        assert attempt is not None
        nudge_store.mark_retry(session, nudge.id, attempt, error="invalid_auth", not_before=NOW)
        store.mark_inactive(session, GONE, InactiveReason.TOKENS_REVOKED, NOW)
    with db.session() as session:
        assert nudge_store.deliverable(session, NOW + timedelta(days=1), 10) == []
        assert nudge.line_id == line_id


def counts(db: Database, team: str) -> dict[str, int]:
    with db.session() as session:
        person_ids = select(Person.id).where(Person.team_id == team).scalar_subquery()
        line_ids = select(ReportingLine.id).where(ReportingLine.report_id.in_(person_ids)).scalar_subquery()
        plan_ids = select(PlanVersion.id).where(PlanVersion.person_id.in_(person_ids)).scalar_subquery()
        queries = {
            "workspaces": select(func.count()).select_from(Workspace).where(Workspace.team_id == team),
            "people": select(func.count()).select_from(Person).where(Person.team_id == team),
            "plan versions": select(func.count()).where(PlanVersion.person_id.in_(person_ids)),
            "plan steps": select(func.count()).where(PlanStep.plan_version_id.in_(plan_ids)),
            "plan gaps": select(func.count()).where(PlanGap.plan_version_id.in_(plan_ids)),
            "drafts": select(func.count()).where(PlanDraft.person_id.in_(person_ids)),
            "reflections": select(func.count()).where(ReflectionEntry.person_id.in_(person_ids)),
            "lines": select(func.count()).where(ReportingLine.report_id.in_(person_ids)),
            "conversations": select(func.count()).where(Conversation.line_id.in_(line_ids)),
            "experiments": select(func.count()).where(Experiment.line_id.in_(line_ids)),
            "nudges": select(func.count()).where(Nudge.line_id.in_(line_ids)),
        }
        return {name: int(session.scalar(query) or 0) for name, query in queries.items()}


def test_purging_a_workspace_erases_everything_under_it_and_nothing_of_another(db: Database) -> None:
    for team in (GONE, STAYS):
        a_workspace(db, team)
    before = counts(db, STAYS)
    assert all(before.values())
    with db.session() as session:
        held = store.contents(session, GONE)
    assert held == store.Contents(people=2, plans=1, reflections=1, lines=1, conversations=1, nudges=1)
    with db.session() as session:
        assert store.purge(session, GONE) == held
    assert set(counts(db, GONE).values()) == {0}
    assert counts(db, STAYS) == before
    with db.session() as session:
        assert store.contents(session, GONE) is None
        assert store.purge(session, GONE) is None


def test_a_welcome_is_claimed_once(db: Database) -> None:
    with db.session() as session:
        person = people.ensure_person(session, STAYS, "UNEW", NOW)
    with db.session() as session:
        assert people.claim_welcome(session, person, NOW)
    with db.session() as session:
        assert not people.claim_welcome(session, person, NOW + timedelta(minutes=1))
        assert people.welcomed_at(session, person) == NOW


def test_a_welcome_that_could_not_be_delivered_is_owed_again(db: Database) -> None:
    with db.session() as session:
        person = people.ensure_person(session, STAYS, "UNEW", NOW)
        assert people.claim_welcome(session, person, NOW)
        people.release_welcome(session, person, NOW - timedelta(seconds=1))  # someone else's claim: kept
        assert people.welcomed_at(session, person) == NOW
        people.release_welcome(session, person, NOW)
        assert people.welcomed_at(session, person) is None
        assert people.claim_welcome(session, person, NOW)


def test_someone_who_saved_a_plan_is_not_welcomed_on_opening_home(db: Database) -> None:
    with db.session() as session:
        builders.plan_version(session, "UPLANNER", team=STAYS, now=NOW)
        planner = builders.person(session, "UPLANNER", team=STAYS, now=NOW)
        assert not people.claim_welcome(session, planner, NOW, unless_planned=True)
        assert people.claim_welcome(session, planner, NOW)  # a joiner's welcome does not ask
