"""Ask-for-gaps builders and readers come in pairs: build the form, fill state.values as Slack would, read it back;
and every message and Home part escapes everyone's words and stays within Slack's limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.career.asks import MAX_OPEN_ASKS, MAX_SUGGESTED_GAPS, Added, Ask, AskField, AskStatus, SuggestedGap, Suggestion
from bot.career.plan import FieldError
from bot.slack import ids
from bot.slack.blocks.asks import (
    SHOW_GOAL,
    AskForm,
    added_note,
    ask_message,
    ask_view,
    closed_message,
    error_messages,
    home_blocks,
    read_ask,
    read_suggestions,
    suggest_view,
    suggested_context,
    suggestion_message,
)
from bot.slack.blocks.text import Blocks
from tests.slackstate import assert_slack_accepts, state_from_initial

HOSTILE = "<!channel> <@U0VICTIM> <http://x|y> & 🚀"
WHEN = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)


def an_ask(status: AskStatus = AskStatus.OPEN, goal: str | None = None, note: str = HOSTILE, n: int = 7) -> Ask:
    return Ask(n, "T0", "U0ANA", f"U0BO{n}", "Senior " + HOSTILE, goal, note, status, WHEN)


def a_suggestion(n: int = 7, added: tuple[bool, ...] = (False, True, False)) -> Suggestion:
    gaps = tuple(SuggestedGap(10 * n + i, f"Gap {i} {HOSTILE}", flag) for i, flag in enumerate(added))
    return Suggestion(n, "U0ANA", f"U0BO{n}", "Senior " + HOSTILE, gaps, "Go " + HOSTILE, WHEN)


def everything(blocks: Blocks | dict[str, Any]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def assert_escaped(blocks: Blocks | dict[str, Any]) -> None:
    shown = everything(blocks)
    for raw in ("<!channel>", "<@U0VICTIM>", "<http://x"):
        assert raw not in shown
    assert "&lt;!channel&gt;" in shown or "plain_text" in shown


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (
            {
                ids.BLOCK_ASK_WHO: {"selected_user": "U0BO"},
                ids.BLOCK_ASK_GOAL: {"selected_options": [{"value": SHOW_GOAL}]},
                ids.BLOCK_ASK_NOTE: {"value": HOSTILE + "\x00"},
            },
            AskForm("U0BO", show_goal=True, note=HOSTILE),
        ),
        ({ids.BLOCK_ASK_WHO: {"selected_user": "U0BO"}}, AskForm("U0BO", show_goal=False, note="")),
        ({ids.BLOCK_ASK_NOTE: {"value": None}}, AskForm(None, show_goal=False, note="")),
        ({ids.BLOCK_ASK_GOAL: {"selected_options": "junk"}}, AskForm(None, show_goal=False, note="")),
    ],
)
def test_the_ask_form_reads_back_what_was_chosen(typed: dict[str, dict[str, Any]], expected: AskForm) -> None:
    view = ask_view("Senior " + HOSTILE, "Lead " + HOSTILE, asked="U0BO")
    assert_slack_accepts(view)
    assert_escaped(view)
    assert view["blocks"][1]["element"]["initial_user"] == "U0BO"
    assert read_ask(state_from_initial(view, typed)) == expected


def test_the_ask_form_tolerates_missing_blocks() -> None:
    assert read_ask({}) == AskForm(None, show_goal=False, note="")
    assert read_ask({ids.BLOCK_ASK_WHO: "junk"}) == AskForm(None, show_goal=False, note="")
    assert "initial_user" not in everything(ask_view("Step", "Goal"))


def test_the_answer_form_reads_back_every_gap_in_its_place() -> None:
    view = suggest_view(an_ask(goal="Lead " + HOSTILE))
    assert_slack_accepts(view)
    assert_escaped(view)
    typed: dict[str, dict[str, Any]] = {
        ids.BLOCK_SUGGESTED_GAP.format(i): {"value": f"Gap {i} {HOSTILE}"} for i in range(MAX_SUGGESTED_GAPS)
    }
    typed[ids.BLOCK_SUGGESTED_GAP.format(1)] = {"value": None}
    typed[ids.BLOCK_ENCOURAGEMENT] = {"value": "Go\x00 " + HOSTILE}
    gaps, encouragement = read_suggestions(state_from_initial(view, typed))
    assert gaps == [f"Gap 0 {HOSTILE}", "", f"Gap 2 {HOSTILE}"]
    assert encouragement == "Go " + HOSTILE
    assert read_suggestions({}) == (["", "", ""], "")


def test_errors_point_at_their_inputs() -> None:
    errors = [
        FieldError(AskField.PERSON, "who"),
        FieldError(AskField.NOTE, "note"),
        FieldError(AskField.GAP, "gap 2", 1),
        FieldError(AskField.GAP, "another gap 2", 1),
        FieldError(AskField.ENCOURAGEMENT, "words"),
    ]
    assert error_messages(errors) == {
        ids.BLOCK_ASK_WHO: "who",
        ids.BLOCK_ASK_NOTE: "note",
        ids.BLOCK_SUGGESTED_GAP.format(1): "gap 2",
        ids.BLOCK_ENCOURAGEMENT: "words",
    }


def test_the_asked_persons_dm_shows_only_what_was_chosen() -> None:
    without_goal = everything(ask_message(an_ask(goal=None))[1])
    assert "Their goal" not in without_goal and "&lt;!channel&gt;" in without_goal
    _, blocks = ask_message(an_ask(goal="Lead " + HOSTILE))
    assert "Their goal" in everything(blocks)
    assert_escaped(blocks)
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert [(b["action_id"], b["value"]) for b in buttons] == [(ids.ACTION_SUGGEST, "7"), (ids.ACTION_NOT_NOW, "7")]
    for status in (AskStatus.ANSWERED, AskStatus.DECLINED, AskStatus.WITHDRAWN):
        _, closed = closed_message(an_ask(status))
        assert "actions" not in everything(closed) and "Senior" not in everything(closed)


def test_the_suggestions_dm_and_home_escape_the_authors_words() -> None:
    text, blocks = suggestion_message(a_suggestion())
    assert "<@U0BO7> suggested gaps for your next step" in text
    assert_escaped(blocks)
    assert "<!channel>" not in text
    adds = [b["accessory"]["value"] for b in blocks if "accessory" in b]
    assert adds == ["70", "72"]  # the gap added already has no button


def test_home_lists_open_asks_declined_ones_and_suggestions_within_slacks_limits() -> None:
    opened = [an_ask(n=n) for n in range(MAX_OPEN_ASKS)]
    declined = [an_ask(AskStatus.DECLINED, n=n) for n in range(3, 6)]
    suggestions = [a_suggestion(n) for n in range(8, 12)]
    blocks = home_blocks(opened, declined, suggestions)
    assert_slack_accepts({"type": "home", "blocks": blocks})
    assert_escaped(blocks)
    withdraws = [
        b["accessory"]["value"] for b in blocks if b.get("accessory", {}).get("action_id") == ids.ACTION_WITHDRAW_ASK
    ]
    assert withdraws == ["0", "1", "2"]
    assert "<@U0BO3>, <@U0BO4>, <@U0BO5> couldn't this time" in everything(blocks)
    assert "<@U0BO11>" not in everything(blocks)  # the three newest suggestions only
    assert len(blocks) <= 25
    assert "Ask a manager, a mentor or a friend" in everything(home_blocks([], [], []))


def test_the_wizard_shows_who_suggested_what() -> None:
    (shown,) = suggested_context([a_suggestion()])
    assert shown["type"] == "context"
    assert "Suggested by <@U0BO7>: Gap 0 &lt;!channel&gt;" in everything(shown)
    assert suggested_context([]) == []


@pytest.mark.parametrize(
    ("outcome", "said"),
    [(Added.ADDED, "version 4"), (Added.ALREADY_THERE, "already"), (Added.FULL, "the most it holds")],
)
def test_adding_a_gap_says_what_happened(outcome: Added, said: str) -> None:
    note = added_note(outcome, HOSTILE, 4 if outcome is Added.ADDED else None)
    assert said in note and "<!channel>" not in note
