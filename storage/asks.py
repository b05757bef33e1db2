"""Storage of asks for gaps and the suggestions they bring, behind small functions returning bot.career.asks types."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Row, Select, func, select, update
from sqlalchemy.orm import Session, aliased

from bot.career.asks import Ask, AskStatus, SuggestedGap, Suggestion
from storage.db import as_utc
from storage.models import GapAsk, GapSuggestion, Person

_Asker = aliased(Person, name="asker")
_Asked = aliased(Person, name="asked")


def _asks_query() -> Select[GapAsk, str, str, str]:
    """Asks with their workspace and both people's Slack ids; map each row with `_to_ask`."""
    return (
        select(GapAsk, _Asker.team_id, _Asker.slack_user_id, _Asked.slack_user_id)
        .join(_Asker, _Asker.id == GapAsk.asker_id)
        .join(_Asked, _Asked.id == GapAsk.asked_id)
    )


def _to_ask(found: Row[GapAsk, str, str, str] | tuple[GapAsk, str, str, str]) -> Ask:
    row, team_id, asker, asked = found
    return Ask(
        id=row.id,
        team_id=team_id,
        asker=asker,
        asked=asked,
        step_title=row.step_title,
        goal=row.goal,
        note=row.note,
        status=AskStatus(row.status),
        asked_at=as_utc(row.asked_at),
        answered_at=as_utc(row.answered_at),
    )


def add_ask(
    session: Session, asker_id: int, asked_id: int, *, step_title: str, goal: str | None, note: str, now: datetime
) -> Ask:
    row = GapAsk(
        asker_id=asker_id,
        asked_id=asked_id,
        step_title=step_title,
        goal=goal,
        note=note,
        status=AskStatus.OPEN.value,
        asked_at=now,
        encouragement="",
    )
    session.add(row)
    session.flush()  # the unique index on open pairs speaks here, as an IntegrityError
    ask = get_ask(session, row.id)
    assert ask is not None
    return ask


def get_ask(session: Session, ask_id: int) -> Ask | None:
    found = session.execute(_asks_query().where(GapAsk.id == ask_id)).first()
    return None if found is None else _to_ask(found)


def open_asks_made_by(session: Session, asker_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(GapAsk)
            .where(GapAsk.asker_id == asker_id, GapAsk.status == AskStatus.OPEN.value)
        )
        or 0
    )


def open_ask_between(session: Session, asker_id: int, asked_id: int) -> bool:
    found = session.scalar(
        select(GapAsk.id).where(
            GapAsk.asker_id == asker_id, GapAsk.asked_id == asked_id, GapAsk.status == AskStatus.OPEN.value
        )
    )
    return found is not None


def set_message(session: Session, ask_id: int, channel: str, ts: str) -> None:
    session.execute(update(GapAsk).where(GapAsk.id == ask_id).values(message_channel=channel, message_ts=ts))


def message_of(session: Session, ask_id: int) -> tuple[str, str] | None:
    """Where the asked person's DM landed (channel, ts), if it did."""
    found = session.execute(select(GapAsk.message_channel, GapAsk.message_ts).where(GapAsk.id == ask_id)).first()
    if found is None or found[0] is None or found[1] is None:
        return None
    return found[0], found[1]


def close(session: Session, ask_id: int, status: AskStatus, now: datetime) -> bool:
    """Move an open ask to `status`; False if it was no longer open (answered, declined or withdrawn meanwhile)."""
    result = session.execute(
        update(GapAsk)
        .where(GapAsk.id == ask_id, GapAsk.status == AskStatus.OPEN.value)
        .values(status=status.value, answered_at=now),
        execution_options={"synchronize_session": False},
    )
    return bool(getattr(result, "rowcount", 0))


def answer(session: Session, ask_id: int, gaps: Sequence[str], encouragement: str, now: datetime) -> bool:
    """Record the asked person's suggestions on an open ask; False (and nothing saved) if it is not open."""
    if not close(session, ask_id, AskStatus.ANSWERED, now):
        return False
    session.execute(update(GapAsk).where(GapAsk.id == ask_id).values(encouragement=encouragement))
    session.add_all(GapSuggestion(ask_id=ask_id, position=n, description=gap) for n, gap in enumerate(gaps))
    session.flush()
    return True


def asks_made_by(
    session: Session, asker_id: int, statuses: Sequence[AskStatus], *, limit: int | None = None
) -> list[Ask]:
    """The asker's asks in these statuses, newest first."""
    query = (
        _asks_query()
        .where(GapAsk.asker_id == asker_id, GapAsk.status.in_([s.value for s in statuses]))
        .order_by(GapAsk.asked_at.desc(), GapAsk.id.desc())
    )
    return [_to_ask(row) for row in session.execute(query if limit is None else query.limit(limit))]


def suggestions_for(session: Session, asker_id: int, *, limit: int | None = None) -> list[Suggestion]:
    """Suggestions the asker received, newest first."""
    return _suggestions(session, GapAsk.asker_id == asker_id, limit)


def suggestions_by(session: Session, author_id: int) -> list[Suggestion]:
    """Suggestions the person wrote for others, newest first."""
    return _suggestions(session, GapAsk.asked_id == author_id, None)


def suggestion_of(session: Session, ask_id: int) -> Suggestion | None:
    """The suggestion answering this ask, if it was answered."""
    return next(iter(_suggestions(session, GapAsk.id == ask_id, 1)), None)


def _suggestions(session: Session, whose: ColumnElement[bool], limit: int | None) -> list[Suggestion]:
    query = (
        _asks_query()
        .add_columns(GapAsk.encouragement)
        .where(whose, GapAsk.status == AskStatus.ANSWERED.value)
        .order_by(GapAsk.answered_at.desc(), GapAsk.id.desc())
    )
    rows = session.execute(query if limit is None else query.limit(limit)).all()
    asks = [(_to_ask((row[0], row[1], row[2], row[3])), row[4]) for row in rows]
    gaps: dict[int, list[SuggestedGap]] = {ask.id: [] for ask, _ in asks}
    if gaps:
        for gap in session.scalars(
            select(GapSuggestion).where(GapSuggestion.ask_id.in_(gaps)).order_by(GapSuggestion.position)
        ):
            gaps[gap.ask_id].append(SuggestedGap(id=gap.id, text=gap.description, added=gap.added_at is not None))
    return [
        Suggestion(
            ask_id=ask.id,
            asker=ask.asker,
            author=ask.asked,
            step_title=ask.step_title,
            gaps=tuple(gaps[ask.id]),
            encouragement=encouragement,
            sent_at=ask.answered_at or ask.asked_at,
        )
        for ask, encouragement in asks
        if gaps[ask.id]  # none left: their author erased them
    ]


def suggested_gap(session: Session, gap_id: int) -> tuple[Ask, SuggestedGap] | None:
    """A suggested gap with the ask it answered."""
    found = session.scalar(select(GapSuggestion).where(GapSuggestion.id == gap_id))
    if found is None:
        return None
    ask = get_ask(session, found.ask_id)
    if ask is None:
        return None
    return ask, SuggestedGap(id=found.id, text=found.description, added=found.added_at is not None)


def mark_added(session: Session, gap_id: int, now: datetime) -> bool:
    """Mark a suggested gap as added to the plan; False if it was already (a double click)."""
    result = session.execute(
        update(GapSuggestion).where(GapSuggestion.id == gap_id, GapSuggestion.added_at.is_(None)).values(added_at=now),
        execution_options={"synchronize_session": False},
    )
    return bool(getattr(result, "rowcount", 0))


def withdraw_open_asks_of(session: Session, person_id: int, now: datetime) -> int:
    """Close every open ask the person made or was sent (they left): none waits for an answer that can't come."""
    result = session.execute(
        update(GapAsk)
        .where((GapAsk.asker_id == person_id) | (GapAsk.asked_id == person_id), GapAsk.status == AskStatus.OPEN.value)
        .values(status=AskStatus.WITHDRAWN.value, answered_at=now),
        execution_options={"synchronize_session": False},
    )
    return int(getattr(result, "rowcount", 0) or 0)
