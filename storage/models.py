"""SQLAlchemy 2 models. Changes here need an Alembic migration in storage/migrations/versions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names, so migrations can refer to them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Workspace(Base):
    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    enterprise_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Set when the app was uninstalled or its token revoked (the sweep leaves the workspace alone); cleared on
    # reinstall. Its data is kept until an admin purges it.
    inactive_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    inactive_reason: Mapped[str | None] = mapped_column(String(20))  # bot.career.people.InactiveReason


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("team_id", "slack_user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id", ondelete="CASCADE"))
    slack_user_id: Mapped[str] = mapped_column(String(32))
    # IANA zone from users.info, cached; refreshed when older than a week.
    tz: Mapped[str | None] = mapped_column(String(64))
    tz_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A sweeper is asking Slack for their zone until this moment: the other sweepers do not ask too.
    tz_asked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # When Slack deactivated the account (they left); cleared if it is reactivated.
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the welcome DM was sent: never twice.
    welcomed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Their Slack status says they are away: reminders to them wait until this moment (then it is checked again).
    away_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Their own reminder settings; None: the workspace's (CAREERPLAN_WORK_DAYS, _WORKING_HOURS, _HOLIDAYS).
    work_days: Mapped[str | None] = mapped_column(String(40))  # e.g. "Sun-Thu"
    work_hours: Mapped[str | None] = mapped_column(String(11))  # e.g. "08:30-16:30"
    holidays: Mapped[str | None] = mapped_column(String(20))  # e.g. "DE-BY"; "none": no public holidays


class PlanVersion(Base):
    """One saved answer to the three questions. Never updated: a revision is a new row."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("person_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    goal_kind: Mapped[str] = mapped_column(String(20))
    goal_text: Mapped[str] = mapped_column(Text)
    goal_target: Mapped[date | None] = mapped_column(Date)
    goal_target_text: Mapped[str] = mapped_column(String(100))
    goal_is_own_want: Mapped[bool] = mapped_column(Boolean)
    goal_fits_values: Mapped[bool] = mapped_column(Boolean)
    year_from_now: Mapped[str] = mapped_column(Text)
    # The day the focus gap became the focus; NULL (versions saved before 0006): the version's own date.
    focus_since: Mapped[date | None] = mapped_column(Date)

    steps: Mapped[list[PlanStep]] = relationship(
        order_by="PlanStep.position", cascade="all, delete-orphan", passive_deletes=True
    )
    gaps: Mapped[list[PlanGap]] = relationship(
        order_by="PlanGap.position", cascade="all, delete-orphan", passive_deletes=True
    )


class PlanStep(Base):
    __tablename__ = "plan_steps"
    __table_args__ = (UniqueConstraint("plan_version_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    target: Mapped[date] = mapped_column(Date)
    target_text: Mapped[str] = mapped_column(String(100))
    done: Mapped[bool] = mapped_column(Boolean)


class PlanGap(Base):
    """A gap between now and the next step. The open gaps come first, position 0 the most significant (the
    focus); the closed ones (with `closed_on`) follow, latest closed first."""

    __tablename__ = "plan_gaps"
    __table_args__ = (UniqueConstraint("plan_version_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    closed_on: Mapped[date | None] = mapped_column(Date)  # NULL: an open gap
    note: Mapped[str | None] = mapped_column(Text)  # how it was closed, in the person's words (optional)


class HandledRequest(Base):
    """A request from Slack already handled, by its identity (see `storage.requests`): a replay or retry of it
    changes nothing. Kept for an hour, well past the 5 minutes Slack's signature stays valid."""

    __tablename__ = "handled_requests"
    __table_args__ = (Index("ix_handled_requests_handled_at", "handled_at"),)

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # a hash: it says nothing of what was sent
    handled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PlanDraft(Base):
    """What a person has typed in an open wizard, so Back and Next keep it. Deleted on save or close."""

    __tablename__ = "plan_drafts"
    __table_args__ = (
        UniqueConstraint("person_id", "root_view_id"),
        Index("ix_plan_drafts_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    root_view_id: Mapped[str] = mapped_column(String(64))
    form: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReportingLine(Base):
    """Who reports to whom. Pending until the other party confirms; ended lines are kept as history."""

    __tablename__ = "reporting_lines"
    __table_args__ = (
        # One active manager per report, and one open request per pair, enforced by the database.
        Index(
            "uq_reporting_lines_active_report",
            "report_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
        Index(
            "uq_reporting_lines_pending_pair",
            "report_id",
            "manager_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_reporting_lines_manager_status", "manager_id", "status"),
        Index("ix_reporting_lines_status_next_nudge_on", "status", "next_nudge_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    manager_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10))
    requested_by: Mapped[str] = mapped_column(String(10))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The day the line became active: the scheduler's first-month clock starts here.
    started_on: Mapped[date | None] = mapped_column(Date)
    cadence_months: Mapped[int] = mapped_column(Integer)
    # When the report shared their plan and reflections with this line's manager; None: private.
    shared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(20))
    # Where the Confirm / Decline request was sent, so it can be updated once answered.
    request_channel: Mapped[str | None] = mapped_column(String(32))
    request_ts: Mapped[str | None] = mapped_column(String(32))
    # The conversation schedule (bot.career.cadence), kept with the line so a sweep reads one indexed range.
    next_due_on: Mapped[date | None] = mapped_column(Date)
    # The manager's local day of the next nudge not yet handled; None: nothing more until a conversation.
    next_nudge_on: Mapped[date | None] = mapped_column(Date)
    last_held_on: Mapped[date | None] = mapped_column(Date)
    last_skipped_on: Mapped[date | None] = mapped_column(Date)


class PlanShare(Base):
    """The owner shares their current plan, read-only, with a viewer (a mentor, a coach) until they revoke it.
    Revoked shares are kept as history until either person's `/careerplan delete` removes them."""

    __tablename__ = "plan_shares"
    __table_args__ = (
        # One active share per pair, enforced by the database.
        Index(
            "uq_plan_shares_active_pair",
            "owner_id",
            "viewer_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
        Index("ix_plan_shares_viewer_id", "viewer_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    viewer_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    shared_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReflectionEntry(Base):
    """One set of answers to the curiosity/why prompts (F2), kept with its date."""

    __tablename__ = "reflections"
    __table_args__ = (Index("ix_reflections_person_created", "person_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    energy: Mapped[str] = mapped_column(Text)
    year_from_now: Mapped[str] = mapped_column(Text)
    why: Mapped[str] = mapped_column(String(200))  # comma-separated bot.career.reflection.Why values
    why_words: Mapped[str] = mapped_column(Text)
    direction: Mapped[str | None] = mapped_column(String(20))


class Conversation(Base):
    """A career conversation held (with the manager's notes) or a cycle skipped (with the reason)."""

    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_line_held_on", "line_id", "held_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("reporting_lines.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))  # bot.career.cadence.ConversationKind
    held_on: Mapped[date] = mapped_column(Date)  # the day held, or the day the cycle was skipped
    notes: Mapped[str] = mapped_column(Text)  # the manager's; erased with either person's answers
    notes_shared: Mapped[bool] = mapped_column(Boolean)  # the manager shared the notes with the report
    skip_reason: Mapped[str] = mapped_column(Text)
    next_in_months: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Experiment(Base):
    """A low-stakes experiment agreed in a conversation; both people are asked what it taught when it ends."""

    __tablename__ = "experiments"
    __table_args__ = (
        Index("ix_experiments_line_ends_on", "line_id", "ends_on"),
        # The sweep looks only at experiments whose end has not been asked about yet.
        Index(
            "ix_experiments_unasked_ends_on",
            "ends_on",
            sqlite_where=text("asked_at IS NULL"),
            postgresql_where=text("asked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    line_id: Mapped[int] = mapped_column(ForeignKey("reporting_lines.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # bot.career.cadence.ExperimentKind
    what: Mapped[str] = mapped_column(Text)
    ends_on: Mapped[date] = mapped_column(Date)
    asked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # its "what did it teach" nudges
    manager_outcome: Mapped[str | None] = mapped_column(String(20))  # bot.career.cadence.Outcome
    manager_answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    report_outcome: Mapped[str | None] = mapped_column(String(20))
    report_answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Nudge(Base):
    """One DM the scheduler owes someone. Unique per (line, kind, due date, audience): sent at most once.

    A sweeper claims a nudge by a conditional update (pending → sending, with a lease), sends it, and
    records Slack's ts. A failed send goes back to pending with its error and a later `not_before`.
    """

    __tablename__ = "nudges"
    __table_args__ = (
        UniqueConstraint("line_id", "kind", "due_on", "audience"),
        Index("ix_nudges_status_not_before", "status", "not_before"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("reporting_lines.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # bot.career.cadence.NudgeKind
    due_on: Mapped[date] = mapped_column(Date)  # the conversation's due date, or the experiments' end date
    audience: Mapped[str] = mapped_column(String(10))  # bot.career.cadence.Audience
    recipient_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10))  # bot.career.cadence.NudgeStatus
    not_before: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(100))
    snoozes: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When it was first held back because its recipient was away or on a holiday: after 14 days it goes anyway.
    held_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Since when a send may have reached Slack without being recorded: set by the first claim, kept while a
    # sweeper dies or Slack does not answer, cleared once Slack's answer is known. A claim that finds it set
    # looks for the DM in the conversation's history (message metadata) before sending again.
    unconfirmed_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PlanFeedback(Base):
    """A note someone who may read a person's plan sent them about it, kept with the plan version they read.

    Goes with that version (the employee's erase) or with its author (their erase: their words)."""

    __tablename__ = "plan_feedback"
    __table_args__ = (
        Index("ix_plan_feedback_plan_version_sent_at", "plan_version_id", "sent_at"),
        Index("ix_plan_feedback_author_id", "author_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Where the DM to the employee landed (None until it did, or if it could not be delivered).
    dm_channel: Mapped[str | None] = mapped_column(String(32))
    dm_ts: Mapped[str | None] = mapped_column(String(32))


class GapAsk(Base):
    """An employee asking someone for the gaps before their next step: what the asked person may see (the step's
    title, the goal only if chosen, the note), the answer's encouragement, and where their DM landed."""

    __tablename__ = "gap_asks"
    __table_args__ = (
        # One open ask per pair, enforced by the database (two submissions at once keep one).
        Index(
            "uq_gap_asks_open_pair",
            "asker_id",
            "asked_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_gap_asks_asker_status", "asker_id", "status"),
        Index("ix_gap_asks_asked_id", "asked_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asker_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    asked_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    step_title: Mapped[str] = mapped_column(Text)
    goal: Mapped[str | None] = mapped_column(Text)  # None: the goal was not shown
    note: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10))  # bot.career.asks.AskStatus
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # answered, declined, withdrawn
    encouragement: Mapped[str] = mapped_column(Text)  # the asked person's words, with their suggestions
    # The asked person's DM, so it can be updated (buttons gone) once answered or withdrawn.
    message_channel: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))


class GapSuggestion(Base):
    """One gap the asked person suggested; position 0 the most significant. `added_at`: added to the plan."""

    __tablename__ = "gap_suggestions"
    __table_args__ = (UniqueConstraint("ask_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ask_id: Mapped[int] = mapped_column(ForeignKey("gap_asks.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SendPace(Base):
    """How far ahead a workspace's (or one conversation's) messages are booked, shared by every sweeper: the
    theoretical moment of the next message, in seconds since the epoch (bot.jobs.pace)."""

    __tablename__ = "send_pace"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)  # "T123" or "T123/U456"
    booked_to: Mapped[float] = mapped_column(Float)
