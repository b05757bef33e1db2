"""Asking key people for gaps: the ask form and its reader, the asked person's DM and answer form (and its reader),
the suggestions' DM to the employee, and their part of Home. Pure Block Kit builders.

The asked person is shown only what the ask holds: the next step's title, the goal if the employee chose it, and
the note. Everyone's text is escaped (`fit`), so nobody's words can mention, link or ping anyone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.career.asks import (
    ENCOURAGEMENT_MAX,
    MAX_SUGGESTED_GAPS,
    NOTE_MAX,
    Added,
    Ask,
    AskField,
    AskStatus,
    Suggestion,
)
from bot.career.plan import GAP_MAX, MAX_GAPS, FieldError, clean_text, human_date
from bot.slack import ids
from bot.slack.blocks.text import (
    Blocks,
    Message,
    button,
    context,
    cut,
    element_state,
    escape,
    fit,
    header,
    input_block,
    plain,
    section,
)

View = dict[str, Any]
Values = dict[str, Any]

TITLE = "Ask for gaps"
SUGGEST_TITLE = "Suggest gaps"
SHOW_GOAL = "goal"
# The article's question, as the employee asks it and as the asked person reads it.
QUESTION = "what are the gaps between now and my next step?"
THEIR_QUESTION = "what are the gaps between now and their next step?"
SUGGESTIONS_SHOWN = 3  # on Home, newest first; the export holds them all
STEP_SHOWN = 300
GOAL_SHOWN = 600


def m(user_id: str) -> str:
    return f"<@{escape(user_id)}>"


def when(moment: datetime) -> str:
    """A moment as Slack shows it in the reader's own time zone (with a UTC date as the fallback)."""
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}}|{human_date(moment.date())}>"


# --- The ask form ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AskForm:
    asked: str | None
    show_goal: bool
    note: str


def ask_view(step_title: str, goal: str, asked: str | None = None) -> View:
    """Who to ask, what they will see (the next step's title, always; the goal if ticked), and a note."""
    who: dict[str, Any] = {"type": "users_select", "placeholder": plain("Choose a person")}
    if asked is not None:
        who["initial_user"] = asked
    return {
        "type": "modal",
        "callback_id": ids.VIEW_ASK,
        "title": plain(TITLE),
        "submit": plain("Ask"),
        "close": plain("Cancel"),
        "blocks": [
            section(
                f"*Ask someone: {QUESTION}*\nA manager, a mentor, a friend. They see only what is below, "
                "never the rest of your plan, and their answer reaches only you."
            ),
            input_block(ids.BLOCK_ASK_WHO, "Who?", who, optional=False),
            section(f"*They will see your next step:* {fit(step_title, STEP_SHOWN)}"),
            context(f"Your goal: {fit(goal, GOAL_SHOWN)}"),
            input_block(
                ids.BLOCK_ASK_GOAL,
                "Your goal",
                {"type": "checkboxes", "options": [{"text": plain("Also show them my goal"), "value": SHOW_GOAL}]},
            ),
            input_block(
                ids.BLOCK_ASK_NOTE,
                "A note to them",
                {
                    "type": "plain_text_input",
                    "multiline": True,
                    "max_length": NOTE_MAX,
                    "placeholder": plain("e.g. I'd value your view before my review in March"),
                },
            ),
        ],
    }


def read_ask(values: Values) -> AskForm:
    asked = element_state(values, ids.BLOCK_ASK_WHO).get("selected_user")
    options = element_state(values, ids.BLOCK_ASK_GOAL).get("selected_options")
    chosen = options if isinstance(options, list) else []
    note = element_state(values, ids.BLOCK_ASK_NOTE).get("value")
    return AskForm(
        asked=asked if isinstance(asked, str) and asked else None,
        show_goal=any(isinstance(o, dict) and o.get("value") == SHOW_GOAL for o in chosen),
        note=clean_text(note) if isinstance(note, str) else "",
    )


# --- The asked person's DM and answer form ----------------------------------------------------------------


def _what_they_chose(ask: Ask) -> Blocks:
    blocks = [section(f"*Their next step:* {fit(ask.step_title, STEP_SHOWN)}")]
    if ask.goal is not None:
        blocks.append(section(f"*Their goal:* {fit(ask.goal, GOAL_SHOWN)}"))
    if ask.note:
        blocks.append(section(f"*Their note:* {fit(ask.note, NOTE_MAX * 5)}"))
    return blocks


def ask_message(ask: Ask) -> Message:
    """The DM to the asked person: who asks, what they chose to show, Suggest gaps and Not now."""
    text = f"{m(ask.asker)} asks you: {THEIR_QUESTION}"
    return text, [
        section(f"{m(ask.asker)} asks you: *{THEIR_QUESTION}*"),
        *_what_they_chose(ask),
        context("Your answer reaches only them. Up to three gaps, most significant first."),
        {
            "type": "actions",
            "block_id": "ask_answer",
            "elements": [
                button(SUGGEST_TITLE, ids.ACTION_SUGGEST, value=str(ask.id), style="primary"),
                button("Not now", ids.ACTION_NOT_NOW, value=str(ask.id)),
            ],
        },
    ]


def closed_message(ask: Ask) -> Message:
    """What the asked person's DM becomes once answered, declined or withdrawn: no buttons left."""
    if ask.status is AskStatus.ANSWERED:
        text = f"✅ Sent. Thank you: your suggestions reached only {m(ask.asker)}."
    elif ask.status is AskStatus.DECLINED:
        text = f"Not now: {m(ask.asker)} will see that you couldn't this time. No worries."
    else:
        text = f"{m(ask.asker)} withdrew this ask, so there is nothing to answer."
    return text, [section(text)]


def suggest_view(ask: Ask) -> View:
    """The answer form: up to three gaps, most significant first, and a word of encouragement."""
    gaps = [
        input_block(
            ids.BLOCK_SUGGESTED_GAP.format(i),
            "Gap 1: the most significant" if i == 0 else f"Gap {i + 1}",
            {"type": "plain_text_input", "multiline": True, "max_length": GAP_MAX},
            optional=i > 0,
        )
        for i in range(MAX_SUGGESTED_GAPS)
    ]
    return {
        "type": "modal",
        "callback_id": ids.VIEW_SUGGEST,
        "title": plain(SUGGEST_TITLE),
        "submit": plain("Send"),
        "close": plain("Cancel"),
        "blocks": [
            section(f"{m(ask.asker)} asks: *{THEIR_QUESTION}*"),
            *_what_they_chose(ask),
            *gaps,
            input_block(
                ids.BLOCK_ENCOURAGEMENT,
                "A word of encouragement",
                {"type": "plain_text_input", "multiline": True, "max_length": ENCOURAGEMENT_MAX},
            ),
            context(f"Only {m(ask.asker)} sees your answer."),
        ],
    }


def read_suggestions(values: Values) -> tuple[list[str], str]:
    """The gaps typed (blank ones too, in their places) and the encouragement."""

    def typed(block_id: str) -> str:
        value = element_state(values, block_id).get("value")
        return clean_text(value) if isinstance(value, str) else ""

    gaps = [typed(ids.BLOCK_SUGGESTED_GAP.format(i)) for i in range(MAX_SUGGESTED_GAPS)]
    return gaps, typed(ids.BLOCK_ENCOURAGEMENT)


_FIELD_BLOCK: dict[StrEnum, str] = {
    AskField.PERSON: ids.BLOCK_ASK_WHO,
    AskField.NOTE: ids.BLOCK_ASK_NOTE,
    AskField.GAP: ids.BLOCK_SUGGESTED_GAP,
    AskField.ENCOURAGEMENT: ids.BLOCK_ENCOURAGEMENT,
}


def error_messages(errors: Sequence[FieldError]) -> dict[str, str]:
    """Errors keyed by input block_id, for `ack(response_action="errors", errors=...)`."""
    messages: dict[str, str] = {}
    for error in errors:
        block_id = _FIELD_BLOCK[error.field].format(error.index if error.index is not None else 0)
        messages.setdefault(block_id, error.message)
    return messages


# --- The employee's side ------------------------------------------------------------------------------------


def asked_text(asked: str) -> str:
    return f"I've asked {m(asked)}. Their suggestions will reach only you; you can withdraw the ask on Home."


def _gap_row(gap_id: int, text: str, added: bool, n: int) -> dict[str, Any]:
    block = section(f"{n}. {fit(text, 2000)}" + ("  ✓ _in your plan_" if added else ""))
    if not added:
        block["accessory"] = button("Add to my gaps", ids.ACTION_ADD_SUGGESTED_GAP, value=str(gap_id))
    return block


def _suggestion_blocks(suggestion: Suggestion) -> Blocks:
    blocks = [
        section(
            f"*{m(suggestion.author)}*, {when(suggestion.sent_at)}, "
            f"for your step *{fit(suggestion.step_title, STEP_SHOWN)}*:"
        )
    ]
    blocks += [_gap_row(gap.id, gap.text, gap.added, n) for n, gap in enumerate(suggestion.gaps, start=1)]
    if suggestion.encouragement:
        blocks.append(context(f"“{fit(suggestion.encouragement, ENCOURAGEMENT_MAX * 5)}”"))
    return blocks


def suggestion_message(suggestion: Suggestion) -> Message:
    """The DM to the employee: who suggested which gaps, with Add to my gaps (also on Home)."""
    gaps = "; ".join(cut(gap.text, 200) for gap in suggestion.gaps)
    text = f"{m(suggestion.author)} suggested gaps for your next step: {escape(gaps)}"
    return text, [
        section(
            f"{m(suggestion.author)} suggested gaps for your next step, *{fit(suggestion.step_title, STEP_SHOWN)}*:"
        ),
        *_suggestion_blocks(suggestion)[1:],
        context("Add one to your plan's gaps, then reorder them with *Edit plan*. They are on your Home tab too."),
    ]


def added_note(outcome: Added, gap: str, version: int | None) -> str:
    """What the employee is told after clicking Add to my gaps."""
    shown = fit(gap, 300)
    if outcome is Added.ADDED:
        return f"Added “{shown}” after your other gaps (version {version} of your plan). Reorder them with *Edit plan*."
    if outcome is Added.ALREADY_THERE:
        return f"“{shown}” is among your plan's gaps already, so nothing changed."
    return f"Your plan has {MAX_GAPS} gaps already, the most it holds: make room with *Edit plan*, then add it."


def home_blocks(open_asks: Sequence[Ask], declined: Sequence[Ask], suggestions: Sequence[Suggestion]) -> Blocks:
    """Home's part: open asks (with Withdraw), those answered "not now", and the suggestions received."""
    blocks: Blocks = [{"type": "divider"}, header("Gaps, from the people you ask")]
    if not (open_asks or declined or suggestions):
        blocks.append(context(f"Ask a manager, a mentor or a friend: {QUESTION} They see only your next step's title."))
    for ask in open_asks:
        blocks.append(
            {
                **section(f"Waiting for {m(ask.asked)} (asked {when(ask.asked_at)})"),
                "accessory": button("Withdraw", ids.ACTION_WITHDRAW_ASK, value=str(ask.id)),
            }
        )
    if declined:
        names = ", ".join(m(ask.asked) for ask in declined)
        blocks.append(context(f"{names} couldn't this time. That's fine: ask someone else, or them again later."))
    if suggestions:
        blocks.append(section("*Suggestions*"))
        for suggestion in suggestions[:SUGGESTIONS_SHOWN]:
            blocks += _suggestion_blocks(suggestion)
    return blocks


def suggested_context(suggestions: Sequence[Suggestion]) -> Blocks:
    """For the wizard's gap page: what people suggested, so the employee can type or reorder them."""
    blocks: Blocks = []
    for suggestion in suggestions[:SUGGESTIONS_SHOWN]:
        gaps = "; ".join(fit(gap.text, 400) for gap in suggestion.gaps)
        blocks.append(context(f"Suggested by {m(suggestion.author)}: {gaps}"))
    return blocks
