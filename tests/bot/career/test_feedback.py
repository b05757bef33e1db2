"""What a feedback note may hold, and the plan reference a Feedback button carries."""

from __future__ import annotations

import pytest

from bot.career.feedback import FEEDBACK_MAX, check_feedback, plan_ref, read_plan_ref


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Good plan", "Good plan"),
        ("  \n Good plan \n\n", "Good plan"),  # blank space around it goes, lines inside stay
        ("one\n\ntwo", "one\n\ntwo"),
        ("nul\x00byte", "nulbyte"),  # no database column holds a NUL
        ("x" * FEEDBACK_MAX, "x" * FEEDBACK_MAX),
        ("<!channel> & <@U0X>", "<!channel> & <@U0X>"),  # kept as typed; escaped where shown
    ],
)
def test_a_note_is_kept_as_typed_less_surrounding_blank_space(typed: str, kept: str) -> None:
    assert check_feedback(typed) == kept


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", "Write your feedback first."),
        (" \n\t\x00 ", "Write your feedback first."),
        ("x" * (FEEDBACK_MAX + 1), "Keep your feedback to 1500 characters (it has 1501)."),
    ],
)
def test_an_empty_or_too_long_note_says_what_would_do(typed: str, error: str) -> None:
    with pytest.raises(ValueError, match=error.replace("(", r"\(").replace(")", r"\)")):
        check_feedback(typed)


def test_a_plan_reference_reads_back() -> None:
    assert read_plan_ref(plan_ref("U0ANA", 3)) == ("U0ANA", 3)


@pytest.mark.parametrize(
    "value",
    [
        None,
        3,
        "",
        "U0ANA",
        "U0ANA:",
        ":3",
        "U0ANA:0",
        "U0ANA:-1",
        "U0ANA:1:2",
        "U0ANA:1.5",
        "U0ANA:٣",
        "U0ANA:" + "9" * 10,
    ],
)
def test_anything_else_is_no_plan_reference(value: object) -> None:
    assert read_plan_ref(value) is None
