"""F5: the modals to log a career conversation or skip a cycle, their readers, and what each side is told. Pure.

Builders and readers come in pairs: `log_view` / `parse_log`, `skip_view` / `parse_skip`. Readers take
Slack's `view.state.values` as it comes: an absent block, a null value or junk reads as left empty, so
the checks in bot.career.conversation can say what is missing instead of anything crashing.
The listener stamps `private_metadata` (owner, line id); the builders never set it.

People are shown as `<@U…>` mentions of ids Slack gave us; every typed text echoed into mrkdwn is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol

from bot.career.cadence import EXPERIMENT_LABELS, OUTCOME_LABELS, ExperimentKind, Outcome, due_after
from bot.career.conversation import (
    MAX_EXPERIMENTS,
    MAX_NOTES,
    MAX_SKIP_REASON,
    MAX_WHAT,
    Conversation,
    ConversationForm,
    ExperimentForm,
    LogError,
    LogField,
)
from bot.career.lines import CADENCE_MAX_MONTHS, CADENCE_MIN_MONTHS
from bot.career.nudges import HONESTY_PROMPT
from bot.career.plan import clean_text, human_date
from bot.slack import ids
from bot.slack.blocks.text import (
    Block,
    Blocks,
    Message,
    context,
    cut,
    element_state,
    escape,
    fit,
    input_block,
    plain,
    section,
)

LOG_TITLE = "Log conversation"
SKIP_TITLE = "Skip this cycle"
SHARED = "shared"  # the value of the one "share these notes" checkbox
# Room for several experiments and their labels in one 3000-character section or message.
WHAT_SHOWN_MAX = 400
NOTES_PIECE_MAX = 2900  # escaped notes per section, leaving room for a heading

View = dict[str, Any]
Values = dict[str, Any]


class ExperimentLike(Protocol):
    """An experiment agreed (checked, or stored): what the confirmations need of it."""

    @property
    def kind(self) -> ExperimentKind: ...

    @property
    def what(self) -> str: ...

    @property
    def ends_on(self) -> date: ...


def mention(user_id: str) -> str:
    # Ids come from Slack; escaping is a no-op for them and keeps anything else from becoming markup.
    return f"<@{escape(user_id)}>"


# --- Log a conversation -------------------------------------------------------------------------


def log_view(report: str, today: date, form: ConversationForm, default_months: int) -> View:
    """The log modal, filled from `form` (the day held defaults to `today`, the next one to the line's cadence)."""
    months = form.next_in_months if form.next_in_months is not None else default_months
    blocks: Blocks = [
        section(
            f"*Your career conversation with {mention(report)}*\n"
            "Logging it resets the reminders: the next conversation is due counting from the day you held this one."
        ),
        input_block(
            ids.BLOCK_HELD_ON,
            "Held on",
            _datepicker(form.held_on or today),
            optional=False,
        ),
        context(escape(HONESTY_PROMPT)),  # the article's honesty prompt, for the manager (not an input)
        input_block(
            ids.BLOCK_NOTES,
            "Notes",
            _text_element(
                form.notes,
                MAX_NOTES,
                multiline=True,
                placeholder="What they want, what gives them energy, what you agreed",
            ),
            hint="Only you see your notes, unless you share them below.",
        ),
        input_block(
            ids.BLOCK_NOTES_SHARED,
            "Share the notes",
            {
                "type": "checkboxes",
                "options": [_share_option(report)],
                **({"initial_options": [_share_option(report)]} if form.notes_shared else {}),
            },
        ),
        input_block(
            ids.BLOCK_NEXT_IN,
            "Next conversation in",
            {
                "type": "static_select",
                "placeholder": plain("Choose"),
                "options": [_months_option(n) for n in range(CADENCE_MIN_MONTHS, CADENCE_MAX_MONTHS + 1)],
                **(
                    {"initial_option": _months_option(months)}
                    if CADENCE_MIN_MONTHS <= months <= CADENCE_MAX_MONTHS
                    else {}
                ),
            },
        ),
        {"type": "divider"},
        section(
            "*Experiments agreed* (optional)\n"
            "Low-stakes ways to test a goal. When one ends, you are both asked what it taught."
        ),
    ]
    rows = list(form.experiments[:MAX_EXPERIMENTS])
    rows += [ExperimentForm()] * (MAX_EXPERIMENTS - len(rows))
    for i, row in enumerate(rows):
        kind_element: dict[str, Any] = {
            "type": "static_select",
            "placeholder": plain("Choose a kind"),
            "options": [_option(label, kind.value) for kind, label in EXPERIMENT_LABELS.items()],
        }
        if row.kind is not None:
            kind_element["initial_option"] = _option(EXPERIMENT_LABELS[row.kind], row.kind.value)
        blocks += [
            input_block(ids.BLOCK_EXPERIMENT_KIND.format(i), f"Experiment {i + 1}", kind_element),
            input_block(
                ids.BLOCK_EXPERIMENT_WHAT.format(i),
                "What",
                _text_element(
                    row.what,
                    MAX_WHAT,
                    placeholder="e.g. Shadow Dana's design reviews" if i == 0 else None,
                ),
            ),
            input_block(ids.BLOCK_EXPERIMENT_ENDS.format(i), "Ends on", _datepicker(row.ends_on)),
        ]
    return {
        "type": "modal",
        "callback_id": ids.VIEW_LOG,
        "title": plain(LOG_TITLE),
        "submit": plain("Log it"),
        "close": plain("Cancel"),
        "blocks": blocks,
    }


def parse_log(values: Values) -> ConversationForm:
    """The log modal as typed; every experiment row is returned (empty or not), so errors keep their row."""
    months = _selected(values, ids.BLOCK_NEXT_IN)
    shared = _selected_many(values, ids.BLOCK_NOTES_SHARED)
    experiments = []
    for i in range(MAX_EXPERIMENTS):
        kind_value = _selected(values, ids.BLOCK_EXPERIMENT_KIND.format(i))
        experiments.append(
            ExperimentForm(
                kind=next((kind for kind in ExperimentKind if kind.value == kind_value), None),
                what=_text(values, ids.BLOCK_EXPERIMENT_WHAT.format(i)),
                ends_on=_date(values, ids.BLOCK_EXPERIMENT_ENDS.format(i)),
            )
        )
    return ConversationForm(
        held_on=_date(values, ids.BLOCK_HELD_ON),
        notes=_text(values, ids.BLOCK_NOTES),
        notes_shared=SHARED in shared,
        # Two digits at most: a forged "10**9" is an out-of-range choice for the checks, not a huge int.
        next_in_months=int(months)
        if months is not None and months.isascii() and months.isdigit() and len(months) <= 2
        else None,
        experiments=experiments,
    )


_FIELD_BLOCK: dict[LogField, str] = {
    LogField.HELD_ON: ids.BLOCK_HELD_ON,
    LogField.NOTES: ids.BLOCK_NOTES,
    LogField.NEXT_IN: ids.BLOCK_NEXT_IN,
    LogField.EXPERIMENT_KIND: ids.BLOCK_EXPERIMENT_KIND,
    LogField.EXPERIMENT_WHAT: ids.BLOCK_EXPERIMENT_WHAT,
    LogField.EXPERIMENT_ENDS: ids.BLOCK_EXPERIMENT_ENDS,
    LogField.SKIP_REASON: ids.BLOCK_SKIP_REASON,
}


def log_errors(errors: Sequence[LogError]) -> dict[str, str]:
    """Errors keyed by input block_id, for `ack(response_action="errors", errors=...)`; first one per block wins."""
    messages: dict[str, str] = {}
    for error in errors:
        row = error.row if error.row is not None and 0 <= error.row < MAX_EXPERIMENTS else 0
        messages.setdefault(_FIELD_BLOCK[error.field].format(row), error.message)
    return messages


# --- Skip a cycle -------------------------------------------------------------------------------


def skip_view(report: str, due_on: date | None) -> View:
    due = f", due {human_date(due_on)}" if due_on is not None else ""
    return {
        "type": "modal",
        "callback_id": ids.VIEW_SKIP,
        "title": plain(SKIP_TITLE),
        "submit": plain("Skip this cycle"),
        "close": plain("Cancel"),
        "blocks": [
            section(
                f"*Skip the career conversation with {mention(report)}{due}?*\n"
                "Its reminders stop, and the next conversation becomes due one cadence from today."
            ),
            input_block(
                ids.BLOCK_SKIP_REASON,
                "Why skip this cycle?",
                _text_element("", MAX_SKIP_REASON, multiline=True, placeholder="e.g. On leave until March"),
                optional=False,
                hint="Kept with this reporting line's history.",
            ),
        ],
    }


def parse_skip(values: Values) -> str:
    return _text(values, ids.BLOCK_SKIP_REASON)


# --- What each side is told ---------------------------------------------------------------------


def logged_text(report: str, held_on: date, next_due_on: date, experiments: Sequence[ExperimentLike]) -> str:
    """The manager's confirmation once a conversation is logged."""
    text = (
        f"Logged your career conversation with {mention(report)} of {human_date(held_on)}. "
        f"The next one is due {human_date(next_due_on)}."
    )
    if experiments:
        text += "\nExperiments agreed:\n" + _experiment_lines(experiments)
    return text


def report_logged_dm(manager: str, conversation: Conversation) -> Message:
    """The report's DM: the day held, the experiments, the next due date, and the notes only if shared."""
    text = f"{mention(manager)} logged your career conversation of {human_date(conversation.held_on)}."
    blocks: Blocks = [section(text)]
    if conversation.experiments:
        blocks.append(section("*Experiments agreed*\n" + _experiment_lines(conversation.experiments)))
    if conversation.notes_shared and conversation.notes.strip():
        # Shown whole: escaping can make 3000 typed characters far longer than one section holds.
        pieces = escaped_pieces(conversation.notes.strip(), NOTES_PIECE_MAX)
        blocks.append(section(f"*Their notes, shared with you*\n{pieces[0]}"))
        blocks += [section(piece) for piece in pieces[1:]]
    next_due = due_after(conversation.held_on, conversation.next_in_months)
    blocks.append(
        context(
            f"Next conversation due around {human_date(next_due)}. Revise your plan before then with `{ids.COMMAND}`."
        )
    )
    return text, blocks


def skipped_text(report: str, next_due_on: date) -> str:
    return (
        f"Skipped this cycle with {mention(report)}: no more reminders for it. "
        f"The next career conversation is due {human_date(next_due_on)}."
    )


def snoozed_text(report: str, until: date) -> str:
    return (
        f"Snoozed for a week: I'll remind you about your career conversation with {mention(report)} "
        f"again on {human_date(until)}."
    )


def outcome_recorded_text(outcome: Outcome, *, what: str | None = None) -> str:
    about = f" for “{fit(what, WHAT_SHOWN_MAX)}”" if what else ""
    return f"Thanks: recorded “{OUTCOME_LABELS[outcome]}”{about}."


def _experiment_lines(experiments: Sequence[ExperimentLike]) -> str:
    # MAX_EXPERIMENTS are agreed at a time; more would be a bug upstream, and still must fit a section.
    shown = [
        f"• {EXPERIMENT_LABELS[e.kind]}: {fit(e.what, WHAT_SHOWN_MAX)} (until {human_date(e.ends_on)})"
        for e in experiments[:MAX_EXPERIMENTS]
    ]
    if len(experiments) > MAX_EXPERIMENTS:
        shown.append(f"…and {len(experiments) - MAX_EXPERIMENTS} more")
    return "\n".join(shown)


def escaped_pieces(text: str, limit: int) -> list[str]:
    """`text` escaped for mrkdwn, in pieces of at most `limit` characters that never split an entity."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for char in text:
        piece = escape(char)
        if size + len(piece) > limit:
            pieces.append("".join(current))
            current, size = [], 0
        current.append(piece)
        size += len(piece)
    pieces.append("".join(current))
    return pieces


# --- Block helpers ------------------------------------------------------------------------------


def _text_element(value: str, max_length: int, *, multiline: bool = False, placeholder: str | None = None) -> Block:
    element: Block = {"type": "plain_text_input", "multiline": multiline, "max_length": max_length}
    if value:
        # Slack refuses an initial value longer than max_length.
        element["initial_value"] = value[:max_length]
    if placeholder is not None:
        element["placeholder"] = plain(placeholder)
    return element


def _datepicker(initial: date | None) -> Block:
    element: Block = {"type": "datepicker"}
    if initial is not None:
        element["initial_date"] = initial.isoformat()
    return element


def _option(label: str, value: str) -> dict[str, Any]:
    return {"text": plain(cut(label, 75)), "value": value}


def _months_option(months: int) -> dict[str, Any]:
    return _option(f"{months} months", str(months))


def _share_option(report: str) -> dict[str, Any]:
    # mrkdwn, so the report shows as their name; a modal mentions no one.
    return {"text": {"type": "mrkdwn", "text": f"Share these notes with {mention(report)}"}, "value": SHARED}


def _text(values: Values, block_id: str) -> str:
    value = element_state(values, block_id).get("value")
    return clean_text(value) if isinstance(value, str) else ""


def _date(values: Values, block_id: str) -> date | None:
    value = element_state(values, block_id).get("selected_date")
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _selected(values: Values, block_id: str) -> str | None:
    option = element_state(values, block_id).get("selected_option")
    value = option.get("value") if isinstance(option, dict) else None
    return value if isinstance(value, str) else None


def _selected_many(values: Values, block_id: str) -> set[str]:
    options = element_state(values, block_id).get("selected_options")
    if not isinstance(options, list):
        return set()
    return {o["value"] for o in options if isinstance(o, dict) and isinstance(o.get("value"), str)}
