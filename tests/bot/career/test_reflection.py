"""The reflection's checks: any one prompt is enough, none is an error, texts within their limits."""

from __future__ import annotations

import pytest

from bot.career.plan import FormInvalid
from bot.career.reflection import (
    ENERGY_MAX,
    WHY_WORDS_MAX,
    YEAR_FROM_NOW_MAX,
    Direction,
    Reflection,
    ReflectionField,
    Why,
    check_reflection,
    tidied,
)

BLANK = Reflection(energy="", year_from_now="", why=(), why_words="", direction=None)


def with_(**answers: object) -> Reflection:
    fields = {"energy": "", "year_from_now": "", "why": (), "why_words": "", "direction": None, **answers}
    return Reflection(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "reflection",
    [
        with_(energy="Pairing on hard bugs"),
        with_(year_from_now="Leading a team"),
        with_(why=(Why.PAY,)),
        with_(why_words="To see my work used"),
        with_(direction=Direction.NOT_SURE),
    ],
)
def test_any_one_answer_is_enough(reflection: Reflection) -> None:
    check_reflection(reflection)


@pytest.mark.parametrize("reflection", [BLANK, with_(energy="   ", year_from_now="\n\n", why_words="\t")])
def test_no_answer_at_all_is_one_error_on_the_first_prompt(reflection: Reflection) -> None:
    with pytest.raises(FormInvalid) as raised:
        check_reflection(reflection)
    assert [(e.field, e.message) for e in raised.value.errors] == [
        (ReflectionField.ENERGY, "Answer at least one of these prompts: any one will do.")
    ]


@pytest.mark.parametrize(
    ("name", "limit", "field"),
    [
        ("energy", ENERGY_MAX, ReflectionField.ENERGY),
        ("year_from_now", YEAR_FROM_NOW_MAX, ReflectionField.YEAR_FROM_NOW),
        ("why_words", WHY_WORDS_MAX, ReflectionField.WHY_WORDS),
    ],
)
def test_each_text_may_be_as_long_as_its_limit_and_no_longer(name: str, limit: int, field: ReflectionField) -> None:
    check_reflection(with_(**{name: "x" * limit}))
    with pytest.raises(FormInvalid) as raised:
        check_reflection(with_(**{name: "x" * (limit + 1)}))
    assert [(e.field, e.message) for e in raised.value.errors] == [
        (field, f"Keep this to {limit} characters (it has {limit + 1}).")
    ]


def test_every_text_over_its_limit_is_reported_at_once() -> None:
    too_long = with_(energy="e" * 5000, year_from_now="y" * 5000, why_words="w" * 5000)
    with pytest.raises(FormInvalid) as raised:
        check_reflection(too_long)
    assert [e.field for e in raised.value.errors] == [
        ReflectionField.ENERGY,
        ReflectionField.YEAR_FROM_NOW,
        ReflectionField.WHY_WORDS,
    ]


def test_tidied_trims_drops_nul_and_keeps_each_reason_once_in_a_fixed_order() -> None:
    messy = Reflection(
        energy="  a\x00b \n",
        year_from_now="\x00",
        why=(Why.OTHER, Why.PAY, Why.OTHER, Why.CHALLENGES),
        why_words=" <!channel> & ",
        direction=Direction.NEXT_STEP,
    )
    assert tidied(messy) == Reflection(
        energy="ab",
        year_from_now="",
        why=(Why.CHALLENGES, Why.PAY, Why.OTHER),
        why_words="<!channel> &",
        direction=Direction.NEXT_STEP,
    )
