"""The rules of asking for gaps: who can be asked, how many asks wait at once, the answer's limits, and adding a
suggested gap to the plan's gaps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.career.asks import (
    ENCOURAGEMENT_MAX,
    MAX_OPEN_ASKS,
    NOT_NOW_SHOWN_FOR,
    NOTE_MAX,
    Added,
    Ask,
    AskField,
    AskStatus,
    check_ask,
    check_suggestions,
    next_step_title,
    recent_not_nows,
    too_many_asks,
    with_gap,
)
from bot.career.plan import GAP_MAX, MAX_GAPS, FormInvalid, Plan, Step
from tests.builders import a_plan

HOSTILE = "<!channel> <@U0VICTIM> &"


def test_the_next_step_is_the_first_not_reached() -> None:
    plan = a_plan()
    assert next_step_title(plan) == "Senior engineer"
    reached = Step(plan.steps[0].title, plan.steps[0].target, done=True)
    assert next_step_title(Plan(plan.goal, (reached, plan.steps[1]), plan.gaps)) == "Staff engineer"
    all_done = tuple(Step(s.title, s.target, done=True) for s in plan.steps)
    assert next_step_title(Plan(plan.goal, all_done, plan.gaps)) is None
    assert next_step_title(None) is None


def test_an_ask_names_someone_else_and_keeps_its_note_short() -> None:
    assert check_ask("U0ANA", "U0BO", "Before my review") == []
    assert check_ask("U0ANA", "U0BO", "x" * NOTE_MAX) == []
    assert check_ask("U0ANA", "U0BO", f"  {'x' * NOTE_MAX}  ") == []  # surrounding spaces don't count
    (nobody,) = check_ask("U0ANA", None, "")
    assert nobody.field is AskField.PERSON and "Choose" in nobody.message
    (yourself,) = check_ask("U0ANA", "U0ANA", "")
    assert yourself.field is AskField.PERSON and "someone else" in yourself.message
    (long,) = check_ask("U0ANA", "U0BO", HOSTILE * 200)
    assert long.field is AskField.NOTE and f"{NOTE_MAX} characters" in long.message


def test_a_few_asks_wait_at_a_time() -> None:
    assert too_many_asks(MAX_OPEN_ASKS - 1) is None
    refusal = too_many_asks(MAX_OPEN_ASKS)
    assert refusal is not None and f"{MAX_OPEN_ASKS} asks waiting" in refusal
    assert too_many_asks(MAX_OPEN_ASKS + 5) is not None


def test_an_answer_keeps_its_gaps_in_order_without_blanks() -> None:
    assert check_suggestions(["  First ", "", "Third"], " Go! ") == (("First", "Third"), "Go!")
    assert check_suggestions(["Only"], "") == (("Only",), "")
    assert check_suggestions(["a", "b", "c", "d"], "") == (("a", "b", "c"), "")  # three at most


@pytest.mark.parametrize(
    ("gaps", "encouragement", "field", "index"),
    [
        (["", " ", ""], "Keep going", AskField.GAP, 0),
        ([], "", AskField.GAP, 0),
        (["ok", "x" * (GAP_MAX + 1)], "", AskField.GAP, 1),
        (["ok"], "x" * (ENCOURAGEMENT_MAX + 1), AskField.ENCOURAGEMENT, None),
        ([HOSTILE * 300], "", AskField.GAP, 0),
    ],
)
def test_an_answer_needs_a_gap_and_reasonable_lengths(
    gaps: list[str], encouragement: str, field: AskField, index: int | None
) -> None:
    with pytest.raises(FormInvalid) as raised:
        check_suggestions(gaps, encouragement)
    (error,) = raised.value.errors
    assert (error.field, error.index) == (field, index)


def test_a_suggested_gap_goes_after_the_others_unless_there_or_full() -> None:
    gaps = ("Leading design reviews", "Mentoring")
    assert with_gap(gaps, "Public speaking") == (Added.ADDED, (*gaps, "Public speaking"))
    assert with_gap(gaps, "  mentoring ") == (Added.ALREADY_THERE, gaps)
    assert with_gap(gaps, "LEADING   design reviews") == (Added.ALREADY_THERE, gaps)
    full = tuple(f"Gap {n}" for n in range(MAX_GAPS))
    assert with_gap(full, "One more") == (Added.FULL, full)
    assert with_gap((), "First") == (Added.ADDED, ("First",))


def test_a_not_now_is_mentioned_for_two_weeks() -> None:
    asked_at = datetime(2026, 11, 1, tzinfo=UTC)
    declined = Ask(1, "T0", "U0ANA", "U0BO", "Step", None, "", AskStatus.DECLINED, asked_at, asked_at)
    still_open = Ask(2, "T0", "U0ANA", "U0CAROL", "Step", None, "", AskStatus.OPEN, asked_at)
    assert recent_not_nows([declined, still_open], asked_at + NOT_NOW_SHOWN_FOR) == [declined]
    assert recent_not_nows([declined], asked_at + NOT_NOW_SHOWN_FOR + timedelta(seconds=1)) == []
