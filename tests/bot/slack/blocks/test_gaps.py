"""The "Closed it" modal: what it shows is what its reader returns, and what it says once closed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.career.plan import CLOSED_NOTE_MAX, ClosedGap, Goal, GoalKind, Plan, SavedPlan, Step
from bot.slack import ids
from bot.slack.blocks.gaps import close_gap_view, closed_view, read_closed_note
from tests.slackstate import assert_slack_accepts, state_from_initial

HOSTILE = ("<!channel> <@U0BOSS> & " * 200)[:2999]


def test_the_modal_shows_the_focus_gap_escaped_and_asks_how_within_the_limit() -> None:
    view = close_gap_view(HOSTILE)
    assert_slack_accepts(view)
    assert view["callback_id"] == ids.VIEW_CLOSE_GAP
    shown = str(view["blocks"])
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown
    (note,) = [block for block in view["blocks"] if block["type"] == "input"]
    assert note["block_id"] == ids.BLOCK_CLOSED_NOTE and note["optional"] is True
    assert note["label"]["text"] == "How did you close it? (optional)"
    assert note["element"]["max_length"] == CLOSED_NOTE_MAX


@pytest.mark.parametrize("typed", ["Ran three reviews", "<!channel> & 🚀\nsecond line", ""])
def test_the_reader_returns_what_was_typed(typed: str) -> None:
    values = state_from_initial(close_gap_view("Design reviews"), {ids.BLOCK_CLOSED_NOTE: {"value": typed}})
    assert read_closed_note(values) == typed


@pytest.mark.parametrize(
    "values",
    [{}, {ids.BLOCK_CLOSED_NOTE: {}}, {ids.BLOCK_CLOSED_NOTE: {ids.ELEMENT: {"value": None}}}, {"x": 1}, []],
)
def test_a_note_left_out_or_junk_reads_as_none_given(values: Any) -> None:
    assert read_closed_note(values) == ""


def saved(gaps: tuple[str, ...]) -> SavedPlan:
    plan = Plan(
        Goal(GoalKind.REACH_SENIOR),
        (Step("Senior", date(2027, 6, 30)),),
        gaps,
        (ClosedGap(HOSTILE, date(2026, 11, 21), "done"),),
    )
    return SavedPlan(plan, version=3, saved_at=datetime(2026, 11, 21, tzinfo=UTC), id=9)


def test_once_closed_it_says_which_and_what_the_focus_is_now() -> None:
    view = closed_view(saved(("Mentoring <&>",)))
    assert_slack_accepts(view)
    shown = str(view["blocks"])
    assert "✅ Closed: *&lt;!channel&gt;" in shown and "<!channel>" not in shown
    assert "Your focus now: *Mentoring &lt;&amp;&gt;*" in shown
    assert "version 3" in shown
    assert "No open gap is left" in str(closed_view(saved(()))["blocks"])
