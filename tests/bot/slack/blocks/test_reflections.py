"""The reflection modal and its reader come in a pair; Home's summary is escaped and fits Slack."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.career.home import HomeData
from bot.career.plan import Field, FieldError, FormInvalid
from bot.career.reflection import (
    ENERGY_MAX,
    WHY_WORDS_MAX,
    YEAR_FROM_NOW_MAX,
    Direction,
    Reflection,
    ReflectionField,
    SavedReflection,
    Why,
    check_reflection,
)
from bot.slack import ids
from bot.slack.blocks.home import home_view
from bot.slack.blocks.reflections import (
    read_reflection,
    reflect_view,
    reflection_errors,
    reflection_summary,
    saved_view,
)
from tests.slackstate import assert_slack_accepts, state_from_initial

HOSTILE = "<!channel> <@U0X> & "
SAVED_AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
BLANK = Reflection(energy="", year_from_now="", why=(), why_words="", direction=None)


def full() -> Reflection:
    return Reflection(
        energy="Pairing on hard bugs " + HOSTILE + "🚀",
        year_from_now="Leading the platform team\nand hiring two people",
        why=(Why.CHALLENGES, Why.IMPACT, Why.OTHER),
        why_words="To see my work reach customers sooner",
        direction=Direction.NEXT_STEP,
    )


def to_the_max(text: str, limit: int) -> str:
    """`text` repeated to exactly `limit` characters, ending in no space (answers are stored trimmed)."""
    return ("&" + text * limit)[:limit]


def hostile_to_the_max() -> Reflection:
    return Reflection(
        energy=to_the_max(HOSTILE, ENERGY_MAX),
        year_from_now=to_the_max(HOSTILE, YEAR_FROM_NOW_MAX),
        why=tuple(Why),
        why_words=to_the_max(HOSTILE, WHY_WORDS_MAX),
        direction=Direction.DIFFERENT_PATH,
    )


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}


def mrkdwn_of(blocks: list[dict[str, Any]]) -> str:
    return "".join(str(b) for b in blocks if b["type"] in {"section", "context"})


@pytest.mark.parametrize("previous", [full(), hostile_to_the_max(), BLANK])
def test_the_view_reads_back_exactly_what_it_shows(previous: Reflection) -> None:
    assert read_reflection(state_from_initial(reflect_view(previous))) == previous


def test_a_first_reflection_opens_blank() -> None:
    assert read_reflection(state_from_initial(reflect_view(None))) == BLANK


def test_what_is_typed_and_picked_is_what_is_read() -> None:
    view = reflect_view(full())
    values = state_from_initial(
        view,
        {
            ids.BLOCK_ENERGY: {"value": "Teaching"},
            ids.BLOCK_WHY: {"selected_options": [{"value": "pay"}, {"value": "learning"}]},
            ids.BLOCK_DIRECTION: {"selected_option": {"value": "not_sure"}},
        },
    )
    read = read_reflection(values)
    assert read.energy == "Teaching"
    assert read.why == (Why.PAY, Why.LEARNING)
    assert read.direction is Direction.NOT_SURE
    assert read.year_from_now == full().year_from_now


@pytest.mark.parametrize("previous", [None, full(), hostile_to_the_max()])
def test_the_view_is_one_slack_accepts_with_every_input_optional_and_bounded(previous: Reflection | None) -> None:
    view = reflect_view(previous)
    assert_slack_accepts(view)
    assert view["callback_id"] == ids.VIEW_REFLECT
    shown = inputs(view)
    assert list(shown) == [
        ids.BLOCK_ENERGY,
        ids.BLOCK_REFLECT_YEAR,
        ids.BLOCK_WHY,
        ids.BLOCK_WHY_WORDS,
        ids.BLOCK_DIRECTION,
    ]
    assert all(b["optional"] is True and b["element"]["action_id"] == ids.ELEMENT for b in shown.values())
    assert {
        k: shown[k]["element"]["max_length"] for k in (ids.BLOCK_ENERGY, ids.BLOCK_REFLECT_YEAR, ids.BLOCK_WHY_WORDS)
    } == {
        ids.BLOCK_ENERGY: ENERGY_MAX,
        ids.BLOCK_REFLECT_YEAR: YEAR_FROM_NOW_MAX,
        ids.BLOCK_WHY_WORDS: WHY_WORDS_MAX,
    }
    assert shown[ids.BLOCK_WHY]["element"]["type"] == "checkboxes"
    assert len(shown[ids.BLOCK_WHY]["element"]["options"]) == len(Why)
    assert shown[ids.BLOCK_DIRECTION]["element"]["type"] == "radio_buttons"
    assert len(shown[ids.BLOCK_DIRECTION]["element"]["options"]) == len(Direction)


def test_the_prompts_of_the_design_are_asked() -> None:
    labels = [b["label"]["text"] for b in inputs(reflect_view(None)).values()]
    assert "What part of your work gives you the most energy?" in labels
    assert "Where do you want to be a year from now?" in labels


def test_prefilled_options_are_exactly_options_of_the_element() -> None:
    shown = inputs(reflect_view(full()))
    why = shown[ids.BLOCK_WHY]["element"]
    assert [o["value"] for o in why["initial_options"]] == ["challenges", "impact", "other"]
    assert all(o in why["options"] for o in why["initial_options"])
    direction = shown[ids.BLOCK_DIRECTION]["element"]
    assert direction["initial_option"]["value"] == "next_step"
    assert direction["initial_option"] in direction["options"]


def test_an_empty_view_has_no_initial_values_slack_would_refuse() -> None:
    for block in inputs(reflect_view(None)).values():
        assert not {"initial_value", "initial_options", "initial_option"} & set(block["element"])


@pytest.mark.parametrize(
    "values",
    [
        {},
        {ids.BLOCK_ENERGY: "not a dict", ids.BLOCK_WHY: None},
        {
            ids.BLOCK_ENERGY: {ids.ELEMENT: {"value": None}},
            ids.BLOCK_DIRECTION: {ids.ELEMENT: {"selected_option": None}},
        },
        {ids.BLOCK_ENERGY: {ids.ELEMENT: {"value": 12345}}, ids.BLOCK_WHY: {ids.ELEMENT: {"selected_options": "all"}}},
        {ids.BLOCK_WHY: {ids.ELEMENT: {"selected_options": [{"value": "ceo"}, "pay", None]}}},
        {ids.BLOCK_DIRECTION: {ids.ELEMENT: {"selected_option": {"value": "moon"}}}},
    ],
)
def test_absent_null_and_junk_state_reads_as_unanswered(values: dict[str, Any]) -> None:
    assert read_reflection(values) == BLANK


def test_repeated_options_are_read_once_and_nul_is_dropped() -> None:
    picked = [{"value": "pay"}] * 50 + [{"value": "challenges"}]
    values = {
        ids.BLOCK_WHY: {ids.ELEMENT: {"selected_options": picked}},
        ids.BLOCK_ENERGY: {"some_other_action": {"value": " a\x00b "}},
    }
    read = read_reflection(values)
    assert read.why == (Why.CHALLENGES, Why.PAY)
    assert read.energy == "ab"


def test_errors_are_keyed_by_the_block_of_their_prompt() -> None:
    with pytest.raises(FormInvalid) as raised:
        check_reflection(Reflection(energy="e" * 5000, year_from_now="", why=(), why_words="w" * 5000, direction=None))
    assert set(reflection_errors(raised.value.errors)) == {ids.BLOCK_ENERGY, ids.BLOCK_WHY_WORDS}
    with pytest.raises(FormInvalid) as raised:
        check_reflection(BLANK)
    assert reflection_errors(raised.value.errors) == {
        ids.BLOCK_ENERGY: "Answer at least one of these prompts: any one will do."
    }


def test_an_error_for_no_known_prompt_is_still_shown_and_the_first_message_wins() -> None:
    errors = [
        FieldError(Field.GAP, "from elsewhere"),
        FieldError(ReflectionField.ENERGY, "second"),
        FieldError(ReflectionField.DIRECTION, "pick one"),
    ]
    assert reflection_errors(errors) == {ids.BLOCK_ENERGY: "from elsewhere", ids.BLOCK_DIRECTION: "pick one"}


def test_summary_shows_each_answer_and_the_date() -> None:
    blocks = reflection_summary(SavedReflection(full(), SAVED_AT))
    text = mrkdwn_of(blocks)
    assert f"*Your last reflection* (<!date^{int(SAVED_AT.timestamp())}^" in text
    assert "|20 Nov 2026>)" in text
    assert "Pairing on hard bugs" in text
    assert "Leading the platform team" in text
    assert "New challenges, More impact, Something else" in text
    assert "To see my work reach customers sooner" in text
    assert "Take the next step" in text


def test_summary_leaves_out_what_was_not_answered() -> None:
    only = Reflection(energy="", year_from_now="", why=(), why_words="", direction=Direction.NOT_SURE)
    blocks = reflection_summary(SavedReflection(only, SAVED_AT))
    text = mrkdwn_of(blocks)
    assert "Not sure yet" in text
    assert "energy" not in text and "year from now" not in text and "hope" not in text


def test_summary_escapes_hostile_text_and_fits_slack_limits_on_home() -> None:
    summary = reflection_summary(SavedReflection(hostile_to_the_max(), SAVED_AT))
    text = mrkdwn_of(summary)
    assert "<!channel>" not in text and "<@U0X>" not in text
    assert "&lt;!channel&gt; &lt;@U0X&gt; &amp;" in text
    assert_slack_accepts(
        home_view(HomeData(SAVED_AT.date(), reflection=SavedReflection(hostile_to_the_max(), SAVED_AT)))
    )


def test_summary_cuts_long_escaped_answers_to_fit_without_splitting_an_entity() -> None:
    ampersands = Reflection(
        energy="&" * ENERGY_MAX,
        year_from_now="<" * YEAR_FROM_NOW_MAX,
        why=(Why.OTHER,),
        why_words=">" * WHY_WORDS_MAX,
        direction=None,
    )
    summary = reflection_summary(SavedReflection(ampersands, SAVED_AT))
    sections = [b["text"]["text"] for b in summary if b["type"] == "section"]
    assert all(len(text) <= 3000 for text in sections)
    answers = [text for text in sections if text.endswith("…")]
    assert len(answers) == 3  # each answer escaped to 4–5 times its length, then cut
    assert all(text.endswith(("&amp;…", "&lt;…", "&gt;…")) for text in answers)
    assert_slack_accepts(home_view(HomeData(SAVED_AT.date(), reflection=SavedReflection(ampersands, SAVED_AT))))


def test_saved_view_is_one_slack_accepts() -> None:
    view = saved_view(SavedReflection(full(), SAVED_AT))
    assert_slack_accepts(view)
    assert "20 Nov 2026" in str(view["blocks"])
    assert "submit" not in view
