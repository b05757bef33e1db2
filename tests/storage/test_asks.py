"""Storage of asks for gaps on SQLite and PostgreSQL: one open ask per pair, closing once, answers and their
gaps in order, what each person's lists hold, and erasing (the asker's asks, the author's suggestions)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.career.asks import AskStatus
from bot.usecases.common import Who
from bot.usecases.people import People
from storage import asks as store
from storage.db import Database
from storage.models import GapAsk, GapSuggestion
from storage.own_data import erase_answers
from tests import builders
from tests.builders import NOW

HOSTILE = "<!channel> & 🚀\nsecond line\x01"


def test_an_ask_reads_back_as_written(db: Database) -> None:
    with db.session() as session:
        ask = builders.gap_ask(session, "U0ANA", "U0BO", goal=HOSTILE, note=HOSTILE)
    with db.session() as session:
        again = store.get_ask(session, ask.id)
    assert again == ask
    assert (ask.asker, ask.asked, ask.goal, ask.note, ask.status) == ("U0ANA", "U0BO", HOSTILE, HOSTILE, AskStatus.OPEN)
    assert ask.asked_at == NOW and ask.answered_at is None and ask.team_id == builders.TEAM


def test_one_open_ask_per_pair_is_enforced_by_the_database(db: Database) -> None:
    with db.session() as session:
        first = builders.gap_ask(session, "U0ANA", "U0BO")
        builders.gap_ask(session, "U0BO", "U0ANA")  # the other way round is another pair
    with pytest.raises(IntegrityError), db.session() as session:
        builders.gap_ask(session, "U0ANA", "U0BO")
    with db.session() as session:
        assert store.close(session, first.id, AskStatus.WITHDRAWN, NOW)
        builders.gap_ask(session, "U0ANA", "U0BO")  # closed asks don't count
        ana = builders.person(session, "U0ANA")
        bo = builders.person(session, "U0BO")
        assert store.open_asks_made_by(session, ana) == 1
        assert store.open_ask_between(session, ana, bo)
        assert not store.open_ask_between(session, bo, builders.person(session, "U0CAROL"))


def test_an_ask_closes_once(db: Database) -> None:
    with db.session() as session:
        ask = builders.gap_ask(session, "U0ANA", "U0BO")
        store.set_message(session, ask.id, "D0BO", "1.2")
        assert store.close(session, ask.id, AskStatus.DECLINED, NOW + timedelta(hours=1))
        assert not store.close(session, ask.id, AskStatus.WITHDRAWN, NOW + timedelta(hours=2))
        assert not store.answer(session, ask.id, ["Too late"], "", NOW)
        closed = store.get_ask(session, ask.id)
        assert closed is not None and closed.status is AskStatus.DECLINED
        assert closed.answered_at == NOW + timedelta(hours=1)
        assert store.message_of(session, ask.id) == ("D0BO", "1.2")
        assert session.scalar(select(func.count()).select_from(GapSuggestion)) == 0


def test_answers_keep_their_gaps_in_order_and_reach_the_right_lists(db: Database) -> None:
    with db.session() as session:
        to_bo = builders.gap_ask(session, "U0ANA", "U0BO", step_title="Staff")
        to_carol = builders.gap_ask(session, "U0ANA", "U0CAROL")
        builders.gap_ask(session, "U0DAN", "U0BO")  # open: not a suggestion yet
        from_bo = builders.suggestion(session, to_bo, ["First", HOSTILE, "Third"], "Go", now=NOW + timedelta(1))
        from_carol = builders.suggestion(session, to_carol, ["Only"], now=NOW + timedelta(2))
    assert [gap.text for gap in from_bo.gaps] == ["First", HOSTILE, "Third"]
    assert (from_bo.author, from_bo.asker, from_bo.step_title, from_bo.encouragement) == (
        "U0BO",
        "U0ANA",
        "Staff",
        "Go",
    )
    with db.session() as session:
        ana, bo = builders.person(session, "U0ANA"), builders.person(session, "U0BO")
        assert store.suggestions_for(session, ana) == [from_carol, from_bo]  # newest first
        assert store.suggestions_for(session, ana, limit=1) == [from_carol]
        assert store.suggestions_by(session, bo) == [from_bo]
        assert store.suggestions_for(session, bo) == []
        statuses = [a.status for a in store.asks_made_by(session, ana, list(AskStatus))]
        assert statuses == [AskStatus.ANSWERED, AskStatus.ANSWERED]
        assert store.asks_made_by(session, ana, [AskStatus.OPEN]) == []

        gap = from_bo.gaps[1]
        found = store.suggested_gap(session, gap.id)
        assert found is not None and found[0].id == to_bo.id and found[1] == gap
        assert store.mark_added(session, gap.id, NOW)
        assert not store.mark_added(session, gap.id, NOW)  # a double click
        assert [g.added for g in store.suggestions_by(session, bo)[0].gaps] == [False, True, False]
        assert store.suggested_gap(session, 999_999) is None


def test_erasing_takes_the_askers_asks_and_the_authors_words_only(db: Database) -> None:
    with db.session() as session:
        ana_asks_bo = builders.gap_ask(session, "U0ANA", "U0BO", note="Ana's note")
        bo_asks_ana = builders.gap_ask(session, "U0BO", "U0ANA", note="Bo's note")
        carol_asks_bo = builders.gap_ask(session, "U0CAROL", "U0BO")
        builders.suggestion(session, ana_asks_bo, ["For Ana 1", "For Ana 2"], "Go Ana")
        builders.suggestion(session, bo_asks_ana, ["Ana wrote this"], "Ana cheers")
        builders.suggestion(session, carol_asks_bo, ["For Carol"], "Go Carol")
        ana = builders.person(session, "U0ANA")
    with db.session() as session:
        counts = erase_answers(session, ana)
    assert (counts["gap_asks"], counts["gap_suggestions_received"], counts["gap_suggestions_written"]) == (1, 2, 1)
    with db.session() as session:
        asks = {row.id: row for row in session.scalars(select(GapAsk))}
        assert set(asks) == {bo_asks_ana.id, carol_asks_bo.id}  # Bo's ask stays Bo's, its note too
        assert (asks[bo_asks_ana.id].note, asks[bo_asks_ana.id].encouragement) == ("Bo's note", "")
        assert asks[carol_asks_bo.id].encouragement == "Go Carol"
        left = list(session.scalars(select(GapSuggestion.description)))
        assert left == ["For Carol"]
        assert store.suggestions_for(session, builders.person(session, "U0BO")) == []  # nothing left to show
        assert erase_answers(session, ana)["gap_asks"] == 0


def test_someone_leaving_withdraws_the_open_asks_they_made_or_were_sent(db: Database) -> None:
    with db.session() as session:
        to_bo = builders.gap_ask(session, "U0ANA", "U0BO")
        from_bo = builders.gap_ask(session, "U0BO", "U0CAROL")
        answered = builders.gap_ask(session, "U0DAN", "U0BO")
        builders.suggestion(session, answered, ["Kept"])
        others = builders.gap_ask(session, "U0ANA", "U0CAROL")
    who = Who(team_id=builders.TEAM, user_id="U0BO")
    People(db, lambda: NOW + timedelta(days=1)).left(who)
    with db.session() as session:
        statuses = {ask_id: store.get_ask(session, ask_id) for ask_id in (to_bo.id, from_bo.id, answered.id, others.id)}
    assert {ask_id: ask.status for ask_id, ask in statuses.items() if ask is not None} == {
        to_bo.id: AskStatus.WITHDRAWN,
        from_bo.id: AskStatus.WITHDRAWN,
        answered.id: AskStatus.ANSWERED,  # what Bo suggested stays with Dan
        others.id: AskStatus.OPEN,
    }
