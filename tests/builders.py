"""Test data builders: people, reporting lines, plan shares, plan versions, reflections, feedback on plans,
conversations with their experiments, nudges, and asks for gaps with their suggestions, written in the caller's
session through the real storage functions, so what a test builds is what the bot itself would have written;
and reports of counts, built purely from tallies.

Each builder takes the session, then what tells the thing apart (people by Slack user id); the rest has a
default that a test names only when it matters to it: the fake Slack's workspace, NOW (the clock fixture's
start), a three-month cadence. Builders return what the storage functions return: ids and domain objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.career.asks import Ask, Suggestion
from bot.career.cadence import Audience, ConversationKind, Cycle, NudgeKind, NudgeStatus, due_after, first_nudge_on
from bot.career.conversation import Conversation
from bot.career.feedback import FeedbackNote
from bot.career.lines import EndReason, Line, RequestedBy
from bot.career.plan import Goal, GoalKind, Plan, SavedPlan, Step, close_focus
from bot.career.reflection import Direction, Reflection, SavedReflection, Why
from bot.career.report import M, Report, TeamTally, build_report, default_period
from bot.career.sharing import Share
from storage import asks as ask_store
from storage import conversations as conversation_store
from storage import feedback as feedback_store
from storage import lines as line_store
from storage import nudges as nudge_store
from storage import people
from storage import plans as plan_store
from storage import reflections as reflection_store
from storage import shares as share_store
from storage.conversations import NewExperiment, Schedule
from storage.models import Nudge
from tests.fakeslack import TEAM_ID

TEAM = TEAM_ID
NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)  # the `clock` fixture's start
CADENCE_MONTHS = 3  # the bot's default cadence
LEAD_DAYS = 3  # the bot's default: "due soon" goes this many days before the due date
SENT_TS = "1700000000.000100"  # where a sent nudge's DM landed, unless a test says otherwise


# --- people ----------------------------------------------------------------------------------------------


def person(session: Session, user: str, *, team: str = TEAM, tz: str | None = None, now: datetime = NOW) -> int:
    """The person's id (created with their workspace if new); with `tz`, their Slack time zone as learnt `now`."""
    person_id = people.ensure_person(session, team, user, now)
    if tz is not None:
        people.set_tz(session, person_id, tz, now)
    return person_id


# --- reporting lines -------------------------------------------------------------------------------------


def pending_line(
    session: Session,
    report: str,
    manager: str,
    *,
    requested_by: RequestedBy = RequestedBy.REPORT,
    cadence_months: int = CADENCE_MONTHS,
    team: str = TEAM,
    now: datetime = NOW,
) -> Line:
    """A request not answered yet: the report named the manager (or, `requested_by` MANAGER, the other way)."""
    return line_store.add_line(
        session,
        person(session, report, team=team, now=now),
        person(session, manager, team=team, now=now),
        requested_by=requested_by,
        cadence_months=cadence_months,
        now=now,
    )


def active_line(
    session: Session,
    report: str,
    manager: str,
    *,
    started_on: date | None = None,
    requested_by: RequestedBy = RequestedBy.ADMIN,
    cadence_months: int = CADENCE_MONTHS,
    shared: bool = False,
    team: str = TEAM,
    now: datetime = NOW,
) -> Line:
    """A line active from `started_on` (default: `now`'s day): imported by an admin, or a request confirmed
    that day; `shared`, the report shares their answers with the manager. The report must have no active
    line yet (see `new_manager`)."""
    day = now.date() if started_on is None else started_on
    if requested_by is RequestedBy.ADMIN:
        report_id, manager_id = (
            person(session, report, team=team, now=now),
            person(session, manager, team=team, now=now),
        )
        line = line_store.add_line(
            session,
            report_id,
            manager_id,
            requested_by=requested_by,
            cadence_months=cadence_months,
            now=now,
            started_on=day,
        )
    else:
        line = pending_line(
            session, report, manager, requested_by=requested_by, cadence_months=cadence_months, team=team, now=now
        )
        assert line_store.activate(session, line.id, day, now)
    if shared:
        assert line_store.set_shared(session, line.id, True, now)
    return _line(session, line.id)


def new_manager(
    session: Session,
    report: str,
    manager: str,
    *,
    started_on: date | None = None,
    team: str = TEAM,
    now: datetime = NOW,
) -> Line:
    """The report's active line, if any, ends (its manager loses access at once); an admin's new one begins."""
    line_store.end_active_line(session, person(session, report, team=team, now=now), EndReason.REPLACED, now)
    return active_line(session, report, manager, started_on=started_on, team=team, now=now)


def ended_line(session: Session, line: Line, *, now: datetime = NOW) -> Line:
    """The active `line`, ended at `now` as when the report confirms another manager."""
    report_id = person(session, line.report, team=line.team_id, now=now)
    ended = line_store.end_active_line(session, report_id, EndReason.REPLACED, now)
    assert ended is not None and ended.id == line.id, "only a report's active line ends"
    return _line(session, line.id)


def plan_share(
    session: Session, owner: str, viewer: str, *, revoked: bool = False, team: str = TEAM, now: datetime = NOW
) -> Share:
    """`owner` shares their current plan with `viewer` from `now`; `revoked`, and stopped at once."""
    owner_id, viewer_id = person(session, owner, team=team, now=now), person(session, viewer, team=team, now=now)
    share = share_store.add_share(session, owner_id, viewer_id, now)
    if revoked:
        stopped = share_store.revoke(session, owner_id, viewer_id, now)
        assert stopped is not None
        return stopped
    return share


def _line(session: Session, line_id: int) -> Line:
    line = line_store.get_line(session, line_id)
    assert line is not None
    return line


# --- plans and reflections -------------------------------------------------------------------------------


def a_plan(goal: str = "Lead a platform team") -> Plan:
    """A plan with every field filled in: a goal with its target, two steps (one dated only in words), two gaps."""
    return Plan(
        goal=Goal(
            kind=GoalKind.OWN,
            text=goal,
            target=date(2029, 6, 30),
            target_text="June 2029",
            is_own_want=True,
            fits_values=False,
            year_from_now="Owning the deploy pipeline",
        ),
        steps=(
            Step("Senior engineer", date(2027, 9, 30), "Q3 2027"),
            Step("Staff engineer", date(2028, 12, 31), "", done=False),
        ),
        gaps=("Leading design reviews", "Mentoring"),
        focus_since=NOW.date(),
    )


def a_plan_with_closed_gaps(goal: str = "Lead a platform team", note: str = "Ran three reviews") -> Plan:
    """`a_plan()` after one gap was closed, with a word on how: "Mentoring" is the focus now."""
    return close_focus(replace(a_plan(goal), focus_since=date(2026, 9, 1)), date(2026, 11, 1), note)


def plan_version(
    session: Session, user: str, plan: Plan | None = None, *, team: str = TEAM, now: datetime = NOW
) -> SavedPlan:
    """`plan` (default: `a_plan()`) saved as the person's next version."""
    return plan_store.add_plan_version(session, person(session, user, team=team, now=now), plan or a_plan(), now)


def a_reflection(energy: str = "Pairing on hard bugs", **changes: object) -> Reflection:
    """A reflection with every question answered; `changes` replace answers by field name."""
    fields = {
        "energy": energy,
        "year_from_now": "Leading a team",
        "why": (Why.CHALLENGES, Why.PAY),
        "why_words": "To grow",
        "direction": Direction.NEXT_STEP,
        **changes,
    }
    return Reflection(**fields)  # type: ignore[arg-type]


def reflection(
    session: Session, user: str, answers: Reflection | None = None, *, team: str = TEAM, now: datetime = NOW
) -> SavedReflection:
    """`answers` (default: `a_reflection()`) saved as the person's reflection of `now`."""
    return reflection_store.add_reflection(
        session, person(session, user, team=team, now=now), answers or a_reflection(), now
    )


def feedback(
    session: Session,
    report: str,
    author: str,
    text: str = "Your steps fit your strengths",
    *,
    version: int | None = None,
    team: str = TEAM,
    now: datetime = NOW,
) -> FeedbackNote:
    """`author`'s feedback note on `report`'s plan, kept with `version` (default: their current one), as sent
    `now`. Who may send it is the use case's check, not this builder's."""
    report_id = person(session, report, team=team, now=now)
    number = feedback_store.current_version(session, report_id) if version is None else version
    assert number is not None, "the report has no plan"
    version_id = feedback_store.version_id(session, report_id, number)
    assert version_id is not None, "the report has no such version"
    author_id = person(session, author, team=team, now=now)
    return feedback_store.add_feedback(session, version_id, author_id, text, now)


# --- career conversations and experiments ----------------------------------------------------------------


def held_conversation(
    session: Session,
    line_id: int,
    held_on: date,
    *,
    notes: str = "",
    notes_shared: bool = False,
    experiments: Sequence[NewExperiment] = (),
    next_in_months: int = CADENCE_MONTHS,
    schedule: Schedule | None = None,
    now: datetime = NOW,
) -> Conversation:
    """A conversation held on the (active) line, with the experiments agreed in it. The line's schedule moves
    as logging it moves it (`schedule` overrides that), and its conversation nudges not sent yet are cancelled."""
    new = conversation_store.NewConversation(
        kind=ConversationKind.HELD,
        held_on=held_on,
        next_in_months=next_in_months,
        notes=notes,
        notes_shared=notes_shared,
        experiments=experiments,
    )
    return _conversation(session, line_id, new, schedule or schedule_after(held_on, next_in_months), now)


def skipped_conversation(
    session: Session,
    line_id: int,
    skipped_on: date,
    reason: str = "On leave",
    *,
    schedule: Schedule | None = None,
    now: datetime = NOW,
) -> Conversation:
    """A cycle the manager skipped on `skipped_on`, for `reason`: the next conversation is due a cadence
    later (or as `schedule` says), and the line's conversation nudges not sent yet are cancelled."""
    new = conversation_store.NewConversation(
        kind=ConversationKind.SKIPPED, held_on=skipped_on, next_in_months=CADENCE_MONTHS, skip_reason=reason
    )
    return _conversation(session, line_id, new, schedule or schedule_after(skipped_on), now)


def schedule_after(day: date, months: int = CADENCE_MONTHS) -> Schedule:
    """A line's schedule once a conversation is logged (or a cycle skipped) on `day`, as the use case sets it."""
    due = due_after(day, months)
    cycle = Cycle(due_on=due, started_on=None, first_cycle=False, lead_days=LEAD_DAYS)
    return Schedule(next_due_on=due, next_nudge_on=first_nudge_on(cycle), cadence_months=months)


def _conversation(
    session: Session, line_id: int, new: conversation_store.NewConversation, schedule: Schedule, now: datetime
) -> Conversation:
    saved = conversation_store.add_conversation(session, line_id, new, schedule, now)
    assert saved is not None, "a conversation is recorded only on an active line"
    return saved


# --- nudges ----------------------------------------------------------------------------------------------


def nudge(
    session: Session,
    line: Line,
    kind: NudgeKind = NudgeKind.DUE_SOON,
    status: NudgeStatus = NudgeStatus.SENT,
    *,
    due_on: date | None = None,
    audience: Audience = Audience.MANAGER,
    where: tuple[str, str] | None = None,
    now: datetime = NOW,
) -> int:
    """A nudge about `line`'s due date (or `due_on`) to its manager (or report), as the sweep leaves it in
    `status`: enqueued (pending), claimed (sending), then sent (its DM landed at `where`, a (channel, ts);
    default the recipient's DM), failed for good, or cancelled.

    Enqueuing supersedes the line's other stage nudges still pending, as the sweep's does: build a line's
    sent and sending nudges before its pending ones of another stage.
    """
    recipient = line.manager if audience is Audience.MANAGER else line.report
    recipient_id = person(session, recipient, team=line.team_id, now=now)
    due = line.next_due_on if due_on is None else due_on
    assert due is not None
    owed = nudge_store.NewNudge(line.id, kind, due, audience, recipient_id)
    assert nudge_store.enqueue(session, [owed], now) == 1, "that nudge is owed already"
    nudge_id = session.scalar(
        select(Nudge.id).where(
            Nudge.line_id == line.id, Nudge.kind == kind.value, Nudge.due_on == due, Nudge.audience == audience.value
        )
    )
    assert nudge_id is not None
    if status is NudgeStatus.PENDING:
        return nudge_id
    if status is NudgeStatus.CANCELLED:
        assert nudge_store.cancel(session, [nudge_id]) == 1
        return nudge_id
    attempt = nudge_store.claim(session, nudge_id, now)
    assert attempt is not None
    if status is NudgeStatus.SENT:
        channel, ts = where or ("D" + recipient, SENT_TS)
        assert nudge_store.mark_sent(session, nudge_id, attempt, channel=channel, ts=ts, now=now)
    elif status is NudgeStatus.FAILED:
        assert nudge_store.mark_failed(session, nudge_id, attempt, error="account_inactive")
    return nudge_id


# --- asks for gaps ---------------------------------------------------------------------------------------


def gap_ask(
    session: Session,
    asker: str,
    asked: str,
    *,
    step_title: str = "Senior engineer",
    goal: str | None = None,
    note: str = "",
    team: str = TEAM,
    now: datetime = NOW,
) -> Ask:
    """An open ask: `asker` asks `asked` for the gaps before `step_title` (showing `goal` too, if given)."""
    return ask_store.add_ask(
        session,
        person(session, asker, team=team, now=now),
        person(session, asked, team=team, now=now),
        step_title=step_title,
        goal=goal,
        note=note,
        now=now,
    )


def suggestion(
    session: Session,
    ask: Ask,
    gaps: Sequence[str] = ("Public speaking",),
    encouragement: str = "",
    *,
    now: datetime = NOW,
) -> Suggestion:
    """The asked person's answer to the open `ask`: `gaps`, most significant first, and `encouragement`."""
    assert ask_store.answer(session, ask.id, gaps, encouragement, now), "only an open ask can be answered"
    answered = ask_store.suggestion_of(session, ask.id)
    assert answered is not None
    return answered


# --- reports ---------------------------------------------------------------------------------------------


def a_report(counts: dict[str, int] | None = None, *, team: str = TEAM, now: datetime = NOW) -> Report:
    """The workspace's report of the last 12 months, built purely from one team's tallies (manager U0BOSS): by
    default 12 people on 10 active lines, 7 of them on cadence and 2 overdue, 4 people with a plan."""
    tallies = counts if counts is not None else DEFAULT_TALLIES
    since, until = default_period(now.date())
    return build_report(
        team, [TeamTally(1, None, "U0BOSS", tallies)], since=since, until=until, generated_at=now, min_group=5
    )


DEFAULT_TALLIES: dict[str, int] = {
    M.PEOPLE: 12,
    M.LINES_ACTIVE: 10,
    M.CADENCE_LINES: 10,
    M.ON_CADENCE: 7,
    M.OVERDUE: 2,
    M.WITH_PLAN: 4,
}
