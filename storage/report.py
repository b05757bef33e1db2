"""The reads of the admin's report (bot.career.report): per-team counts, aggregated in SQL.

Every figure is a COUNT or SUM grouped by the line's manager (or, for people, by their active manager), so a
read returns about one row per manager whatever the number of lines; the median of days late comes from day
counts grouped the same way. Nothing typed by anyone is selected: only ids, dates, kinds and statuses.

Days are local where the product makes them local: a conversation's day and a line's start are dates already;
"today" for a line (overdue, first month over, experiment ended) is its manager's day, and whether a plan was
saved in the period is decided on its owner's day, both through a CASE over the workspace's few time zones.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Integer,
    Text,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from bot.career.cadence import FIRST_CONVERSATION_DAYS, ConversationKind, Outcome, add_months, local_day, zone
from bot.career.lines import LineStatus
from bot.career.report import ON_CADENCE_GRACE_DAYS, TeamTally, held_in, month_keys, outcome_measure
from bot.career.report import M as Measure
from storage.models import Conversation, Experiment, Person, PlanShare, PlanVersion, ReportingLine, Workspace

_Manager = aliased(Person, name="manager")
_COUNTED = (LineStatus.ACTIVE.value, LineStatus.ENDED.value)  # pending and declined lines never began


@dataclass(frozen=True)
class Period:
    since: date
    until: date
    now: datetime


def workspace_ids(session: Session) -> list[str]:
    return list(session.scalars(select(Workspace.team_id).order_by(Workspace.team_id)))


def workspace_exists(session: Session, team_id: str) -> bool:
    return session.get(Workspace, team_id) is not None


def team_tallies(session: Session, team_id: str, period: Period) -> list[TeamTally]:
    """Every team's counts in the workspace, plus the group of people with no active manager (manager None)."""
    zones = _zones(session, team_id)
    reads = _Reads(session, team_id, period, zones)
    counts: defaultdict[int | None, Counter[str]] = defaultdict(Counter)
    late: defaultdict[int, Counter[int]] = defaultdict(Counter)
    managers = reads.lines(counts, late)
    reads.conversations(counts)
    reads.experiments(counts)
    reads.people(counts)
    tallies = [TeamTally(manager=None, counts=dict(counts.pop(None)))] if None in counts else []
    for manager_id, team in counts.items():
        assert manager_id is not None
        slack_id, parent = managers.get(manager_id, ("", None))
        tallies.append(
            TeamTally(
                manager=manager_id, parent=parent, label=slack_id, counts=dict(team), late_days=dict(late[manager_id])
            )
        )
    return tallies


def _zones(session: Session, team_id: str) -> list[str | None]:
    return list(session.scalars(select(Person.tz).where(Person.team_id == team_id).distinct()))


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


class _Reads:
    def __init__(self, session: Session, team_id: str, period: Period, zones: list[str | None]) -> None:
        self.session = session
        self.team_id = team_id
        self.period = period
        self.sqlite = session.get_bind().dialect.name == "sqlite"
        self.zones = [name for name in zones if name]
        self.utc_today = local_day(period.now, None)

    def _rows(self, query: Any) -> Any:
        # Core rows, not the ORM's: the reads return plain tuples, and ORM row handling would double their cost.
        return self.session.connection().execute(query)

    # --- dialect helpers -----------------------------------------------------------------------------------

    def _date(self, day: date) -> ColumnElement[date]:
        # SQLite's CAST(… AS DATE) would make a number of an ISO day: its days are bound as text, as stored.
        return literal(day, Date) if self.sqlite else cast(literal(day, Date), Date)

    def _instant(self, moment: datetime) -> ColumnElement[datetime]:
        # SQLite keeps UTC wall time without a zone (storage.db.as_utc): compare with the same.
        value = moment.astimezone(UTC).replace(tzinfo=None) if self.sqlite else moment.astimezone(UTC)
        return literal(value, DateTime(timezone=True))

    def today_of(self, tz: Any) -> ColumnElement[date]:
        """The day it is now in the zone held by the column `tz` (UTC when unknown)."""
        whens = {name: self._date(local_day(self.period.now, name)) for name in self.zones}
        if not whens:
            return self._date(self.utc_today)
        return case(whens, value=tz, else_=self._date(self.utc_today))

    def joined(self, numbers: Any) -> ColumnElement[str]:
        """The group's non-NULL numbers as one comma-separated text."""
        if self.sqlite:
            return func.group_concat(numbers, ",")
        return func.string_agg(cast(numbers, Text), ",")

    def days(self, later: Any, earlier: Any) -> ColumnElement[int]:
        if self.sqlite:
            return cast(func.julianday(later) - func.julianday(earlier), Integer)
        return cast(later - earlier, Integer)

    def _bound(self, day: date, tz: str | None) -> datetime:
        return datetime.combine(day, time(0), zone(tz)).astimezone(UTC)

    def period_start_of(self, tz: Any) -> ColumnElement[datetime]:
        """The first instant of the period's first day in the zone of the column `tz`."""
        return self._zone_case(tz, self.period.since)

    def period_end_of(self, tz: Any) -> ColumnElement[datetime]:
        """The first instant after the period's last day in the zone of the column `tz`."""
        return self._zone_case(tz, self.period.until + timedelta(days=1))

    def _zone_case(self, tz: Any, day: date) -> ColumnElement[datetime]:
        whens = {name: self._instant(self._bound(day, name)) for name in self.zones}
        utc = self._instant(self._bound(day, None))
        return case(whens, value=tz, else_=utc) if whens else utc

    def _in_period(self, day: Any) -> ColumnElement[bool]:
        return and_(day >= self._date(self.period.since), day <= self._date(self.period.until))

    # --- the reads -------------------------------------------------------------------------------------------

    def lines(
        self, counts: defaultdict[int | None, Counter[str]], late: defaultdict[int, Counter[int]]
    ) -> dict[int, tuple[str, int | None]]:
        """The counts of lines by manager, and how many days each overdue line is late (joined into one text per
        manager: the same pass over the lines, few rows); returns each manager's Slack id and their own active
        manager (the tree of organisations)."""
        line = ReportingLine
        up = aliased(ReportingLine, name="up")
        active = line.status == LineStatus.ACTIVE.value
        today = self.today_of(_Manager.tz)
        new = and_(line.started_on.is_not(None), self._in_period(line.started_on))
        first_held = (
            select(func.min(Conversation.held_on))
            .where(Conversation.line_id == line.id, Conversation.kind == ConversationKind.HELD.value)
            .scalar_subquery()
        )
        on_time = self.days(first_held, line.started_on) <= FIRST_CONVERSATION_DAYS
        due = and_(active, line.next_due_on.is_not(None))
        query = (
            select(
                line.manager_id,
                _Manager.slack_user_id,
                up.manager_id,
                _count_if(active),
                _count_if(new),
                # CASE evaluates the subquery only for the period's new lines.
                _count_if(
                    case(
                        (new, case((on_time, True), else_=self.days(today, line.started_on) > FIRST_CONVERSATION_DAYS)),
                        else_=False,
                    )
                ),
                _count_if(case((new, on_time), else_=False)),
                _count_if(due),
                _count_if(and_(due, self.days(today, line.next_due_on) <= ON_CADENCE_GRACE_DAYS)),
                _count_if(and_(due, line.next_due_on < today)),
                self.joined(case((and_(due, line.next_due_on < today), self.days(today, line.next_due_on)))),
            )
            .join(_Manager, _Manager.id == line.manager_id)
            .outerjoin(up, and_(up.report_id == line.manager_id, up.status == LineStatus.ACTIVE.value))
            .where(_Manager.team_id == self.team_id, line.status.in_(_COUNTED))
            .group_by(line.manager_id, _Manager.slack_user_id, up.manager_id)
        )
        names = (
            Measure.LINES_ACTIVE,
            Measure.LINES_NEW,
            Measure.FIRST_MONTH_DUE,
            Measure.FIRST_MONTH_ON_TIME,
            Measure.CADENCE_LINES,
            Measure.ON_CADENCE,
            Measure.OVERDUE,
        )
        managers: dict[int, tuple[str, int | None]] = {}
        for manager_id, slack_id, parent, *values, late_days in self._rows(query):
            managers[manager_id] = (slack_id, parent)
            team = counts[manager_id]
            for name, value in zip(names, values, strict=True):
                team[name] += int(value or 0)
            if late_days:
                late[manager_id].update(int(days) for days in late_days.split(","))
        return managers

    def conversations(self, counts: defaultdict[int | None, Counter[str]]) -> None:
        """Conversations held (in all, and per month) and cycles skipped: one row per manager, the months as
        columns, so the rows fetched stay one per team."""
        line = ReportingLine
        held = Conversation.kind == ConversationKind.HELD.value
        months = month_keys(self.period.since, self.period.until)
        starts = [date.fromisoformat(f"{month}-01") for month in months]
        ends = [*starts[1:], add_months(starts[-1], 1)]
        query = (
            select(
                line.manager_id,
                _count_if(held),
                _count_if(Conversation.kind == ConversationKind.SKIPPED.value),
                *(
                    _count_if(
                        and_(held, Conversation.held_on >= self._date(start), Conversation.held_on < self._date(end))
                    )
                    for start, end in zip(starts, ends, strict=True)
                ),
            )
            .join(line, line.id == Conversation.line_id)
            .join(_Manager, _Manager.id == line.manager_id)
            .where(_Manager.team_id == self.team_id, self._in_period(Conversation.held_on))
            .group_by(line.manager_id)
        )
        keys = [held_in(month) for month in months]
        for manager_id, held_count, skipped, *per_month in self._rows(query):
            team = counts[manager_id]
            team[Measure.HELD] += int(held_count)
            team[Measure.SKIPPED] += int(skipped)
            for key, number in zip(keys, per_month, strict=True):
                if number:
                    team[key] += int(number)

    def experiments(self, counts: defaultdict[int | None, Counter[str]]) -> None:
        line = ReportingLine
        agreed = (
            select(line.manager_id, func.count())
            .select_from(Experiment)
            .join(Conversation, Conversation.id == Experiment.conversation_id)
            .join(line, line.id == Experiment.line_id)
            .join(_Manager, _Manager.id == line.manager_id)
            .where(_Manager.team_id == self.team_id, self._in_period(Conversation.held_on))
            .group_by(line.manager_id)
        )
        for manager_id, number in self._rows(agreed):
            counts[manager_id][Measure.EXPERIMENTS_AGREED] += number
        # The manager's answer, else the report's: one outcome per experiment.
        outcome = func.coalesce(Experiment.manager_outcome, Experiment.report_outcome).label("outcome")
        ended = (
            select(line.manager_id, outcome, func.count())
            .select_from(Experiment)
            .join(line, line.id == Experiment.line_id)
            .join(_Manager, _Manager.id == line.manager_id)
            .where(
                _Manager.team_id == self.team_id,
                self._in_period(Experiment.ends_on),
                Experiment.ends_on < self.today_of(_Manager.tz),
            )
            .group_by(line.manager_id, outcome)
        )
        known = {item.value: item for item in Outcome}
        for manager_id, answer, number in self._rows(ended):
            team = counts[manager_id]
            team[Measure.EXPERIMENTS_ENDED] += number
            team[outcome_measure(known.get(answer))] += number

    def people(self, counts: defaultdict[int | None, Counter[str]]) -> None:
        person = Person
        line = aliased(ReportingLine, name="active_line")
        versions = PlanVersion
        has_plan = exists().where(
            versions.person_id == person.id, versions.created_at <= self._instant(self.period.now)
        )
        revised = exists().where(
            versions.person_id == person.id,
            versions.created_at >= self.period_start_of(person.tz),
            versions.created_at < self.period_end_of(person.tz),
            versions.created_at <= self._instant(self.period.now),
        )
        shares = exists().where(PlanShare.owner_id == person.id, PlanShare.revoked_at.is_(None))
        query = (
            select(
                line.manager_id,
                func.count(),
                _count_if(has_plan),
                _count_if(revised),
                _count_if(and_(has_plan, or_(line.shared_at.is_not(None), shares))),
            )
            .select_from(person)
            .outerjoin(line, and_(line.report_id == person.id, line.status == LineStatus.ACTIVE.value))
            .where(person.team_id == self.team_id, person.deactivated_at.is_(None))
            .group_by(line.manager_id)
        )
        names = (Measure.PEOPLE, Measure.WITH_PLAN, Measure.REVISED, Measure.SHARING)
        for manager_id, *values in self._rows(query):
            team = counts[manager_id]
            for name, value in zip(names, values, strict=True):
                team[name] += int(value or 0)


def person_id_of(session: Session, team_id: str, slack_user_id: str) -> int | None:
    return session.scalar(
        select(Person.id).where(Person.team_id == team_id, Person.slack_user_id == slack_user_id).limit(1)
    )
