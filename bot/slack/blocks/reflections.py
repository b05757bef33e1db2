"""The reflection modal (F2) and its parser, and the last reflection as Home shows it. Pure.

`reflect_view` / `read_reflection` come in a pair: what the view shows is what the reader returns.
The reader takes Slack's `view.state.values` as it comes: an absent block or a null value is an
unanswered prompt (the modal is one page, so there is nothing earlier to keep).
"""

from __future__ import annotations

from typing import Any

from bot.career.plan import FieldError, clean_text, human_date
from bot.career.reflection import (
    DIRECTION_LABELS,
    ENERGY_MAX,
    WHY_LABELS,
    WHY_WORDS_MAX,
    YEAR_FROM_NOW_MAX,
    Direction,
    Reflection,
    ReflectionField,
    SavedReflection,
    Why,
)
from bot.slack import ids
from bot.slack.blocks.text import Block, context, cut, element_state, fit, input_block, plain, section

TITLE = "Reflect"
ENERGY_PROMPT = "What part of your work gives you the most energy?"
YEAR_PROMPT = "Where do you want to be a year from now?"
WHY_PROMPT = "What do you hope your next role or goal will give you?"
WHY_WORDS_PROMPT = "The why, in your words"
DIRECTION_PROMPT = "Where are you leaning?"
# Room for a label in front of an answer in a 3000-character section; `fit` keeps entities whole.
ANSWER_MAX = 2000

View = dict[str, Any]
Values = dict[str, Any]

_FIELD_BLOCK: dict[str, str] = {
    ReflectionField.ENERGY: ids.BLOCK_ENERGY,
    ReflectionField.YEAR_FROM_NOW: ids.BLOCK_REFLECT_YEAR,
    ReflectionField.WHY: ids.BLOCK_WHY,
    ReflectionField.WHY_WORDS: ids.BLOCK_WHY_WORDS,
    ReflectionField.DIRECTION: ids.BLOCK_DIRECTION,
}


# --- Builders -----------------------------------------------------------------------------------


def reflect_view(previous: Reflection | None) -> View:
    """The prompts, filled with the person's latest answers (if any); every prompt is optional."""
    answers = previous or Reflection(energy="", year_from_now="", why=(), why_words="", direction=None)
    why_options = [_option(WHY_LABELS[reason], reason.value) for reason in Why]
    direction_options = [_option(DIRECTION_LABELS[way], way.value) for way in Direction]
    why_element: dict[str, Any] = {"type": "checkboxes", "options": why_options}
    chosen = [_option(WHY_LABELS[reason], reason.value) for reason in Why if reason in answers.why]
    if chosen:
        why_element["initial_options"] = chosen
    direction_element: dict[str, Any] = {"type": "radio_buttons", "options": direction_options}
    if answers.direction is not None:
        direction_element["initial_option"] = _option(DIRECTION_LABELS[answers.direction], answers.direction.value)
    blocks: list[Block] = [
        section(
            "*Start with curiosity.* Answer any of these, as much or as little as you like. "
            "Each time you save, your answers are kept with the date, next to the earlier ones."
        ),
        _text_input(ids.BLOCK_ENERGY, ENERGY_PROMPT, answers.energy, ENERGY_MAX),
        _text_input(ids.BLOCK_REFLECT_YEAR, YEAR_PROMPT, answers.year_from_now, YEAR_FROM_NOW_MAX),
        input_block(ids.BLOCK_WHY, WHY_PROMPT, why_element),
        _text_input(
            ids.BLOCK_WHY_WORDS,
            WHY_WORDS_PROMPT,
            answers.why_words,
            WHY_WORDS_MAX,
            placeholder="e.g. I want to see my work reach customers sooner",
        ),
        input_block(ids.BLOCK_DIRECTION, DIRECTION_PROMPT, direction_element),
    ]
    return {
        "type": "modal",
        "callback_id": ids.VIEW_REFLECT,
        "title": plain(TITLE),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": blocks,
    }


def saved_view(saved: SavedReflection) -> View:
    """What the modal turns into once the answers are stored."""
    return {
        "type": "modal",
        "title": plain(TITLE),
        "close": plain("Done"),
        "blocks": [
            section(f"*Saved.* Your reflection of {human_date(saved.saved_at.date())} is kept with your earlier ones."),
            context("Your Home tab shows the latest, and says who can see it."),
        ],
    }


def reflection_summary(saved: SavedReflection, *, own: bool = True) -> list[Block]:
    """The person's last reflection (user text escaped and cut to fit): on their own Home (`own`), or read by
    someone else (their manager's View plan), which speaks of "their" reflection and leaves out how to reflect."""
    answers = saved.reflection
    when = saved.saved_at
    whose = "Your" if own else "Their"
    blocks: list[Block] = [
        section(
            f"*{whose} last reflection* "
            f"(<!date^{int(when.timestamp())}^{{date_short_pretty}}|{human_date(when.date())}>)"
        )
    ]
    if answers.energy:
        blocks.append(section(f"*What gives you the most energy:* {fit(answers.energy, ANSWER_MAX)}"))
    if answers.year_from_now:
        blocks.append(section(f"*A year from now:* {fit(answers.year_from_now, ANSWER_MAX)}"))
    if answers.why or answers.why_words:
        reasons = ", ".join(WHY_LABELS[reason] for reason in answers.why)
        words = fit(answers.why_words, ANSWER_MAX)
        blocks.append(section("*What you hope it gives you:* " + "\n".join(part for part in (reasons, words) if part)))
    if answers.direction is not None:
        blocks.append(section(f"*Where you are leaning:* {DIRECTION_LABELS[answers.direction]}"))
    if own:
        blocks.append(
            context(f"Reflect again any time with `{ids.COMMAND} {ids.SUB_REFLECT}`; earlier answers are kept.")
        )
    return blocks


# --- Readers ------------------------------------------------------------------------------------


def read_reflection(values: Values) -> Reflection:
    """The answers in a submitted reflection modal; unknown options are ignored, NULs dropped."""
    selected = element_state(values, ids.BLOCK_DIRECTION).get("selected_option")
    direction_value = selected.get("value") if isinstance(selected, dict) else None
    direction = next((way for way in Direction if way.value == direction_value), None)
    options = element_state(values, ids.BLOCK_WHY).get("selected_options")
    picked = {o.get("value") for o in options if isinstance(o, dict)} if isinstance(options, list) else set()
    return Reflection(
        energy=_text(values, ids.BLOCK_ENERGY),
        year_from_now=_text(values, ids.BLOCK_REFLECT_YEAR),
        why=tuple(reason for reason in Why if reason.value in picked),
        why_words=_text(values, ids.BLOCK_WHY_WORDS),
        direction=direction,
    )


def reflection_errors(errors: list[FieldError]) -> dict[str, str]:
    """Errors keyed by input block_id, for `ack(response_action="errors", errors=...)`; first one wins."""
    messages: dict[str, str] = {}
    for error in errors:
        # An error for no known prompt still has to be shown somewhere: on the first input.
        messages.setdefault(_FIELD_BLOCK.get(error.field, ids.BLOCK_ENERGY), error.message)
    return messages


# --- Block helpers ------------------------------------------------------------------------------


def _text_input(block_id: str, label: str, value: str, max_length: int, *, placeholder: str | None = None) -> Block:
    element: dict[str, Any] = {"type": "plain_text_input", "multiline": True, "max_length": max_length}
    if value:
        # Slack refuses an initial value longer than max_length.
        element["initial_value"] = value[:max_length]
    if placeholder is not None:
        element["placeholder"] = plain(placeholder)
    return input_block(block_id, label, element)


def _option(label: str, value: str) -> dict[str, Any]:
    return {"text": plain(cut(label, 75)), "value": value}


def _text(values: Values, block_id: str) -> str:
    value = element_state(values, block_id).get("value")
    return clean_text(value).strip() if isinstance(value, str) else ""
