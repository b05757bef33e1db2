"""The plan wizard (F1): one modal view per question, and the parsers that read them back.

Builders and readers come in pairs and are pure: `goal_view` / `read_goal`, `steps_view` /
`read_steps`, `gaps_view` / `read_gaps`. Readers take Slack's `view.state.values` as it comes
(blocks may be absent when untouched, values may be null) and write into a `PlanForm`: an absent
block keeps what the form had, which is what the view showed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from bot.career.lines import Line
from bot.career.plan import (
    DATE_WORDS_MAX,
    GAP_MAX,
    GOAL_KIND_LABELS,
    GOAL_TEXT_MAX,
    MAX_GAPS,
    MAX_STEPS,
    STEP_TITLE_MAX,
    YEAR_FROM_NOW_MAX,
    Field,
    FieldError,
    GoalKind,
    PlanForm,
    SavedPlan,
    WizardMove,
    WizardPage,
    clean_text,
)
from bot.career.sharing import Share
from bot.slack import ids
from bot.slack.blocks.sharing import who_can_see
from bot.slack.blocks.targets import target_note_blocks
from bot.slack.blocks.text import button, context, cut, fit, input_block, plain, section

TITLE = "Your career plan"
CHECK_OWN_WANT = "own_want"
CHECK_FITS_VALUES = "fits_values"
SENIOR_YES = "yes"
SENIOR_NO = "no"
SENIOR_LABELS = {SENIOR_NO: "Not yet", SENIOR_YES: "Yes, I'm at the senior level already"}

View = dict[str, Any]
Values = dict[str, Any]


# --- Builders -----------------------------------------------------------------------------------


def goal_view(form: PlanForm) -> View:
    blocks: list[dict[str, Any]] = [
        context("Question 1 of 3"),
        section(
            "*What career goal do you have?*\nIf you have none yet, say whether you are at the senior level "
            "already and the default is picked for you: reach the senior level, or, if you are already senior, "
            "keep improving yourself and the value you deliver."
        ),
        input_block(
            ids.BLOCK_GOAL_KIND,
            "Your goal",
            {
                "type": "radio_buttons",
                "options": [_option(label, kind.value) for kind, label in GOAL_KIND_LABELS.items()],
                **_initial_option(form.goal_kind, GOAL_KIND_LABELS),
            },
        ),
        input_block(
            ids.BLOCK_IS_SENIOR,
            "Are you at the senior level already?",
            {
                "type": "radio_buttons",
                "options": [_option(label, value) for value, label in SENIOR_LABELS.items()],
                **_initial_senior(form.is_senior),
            },
            hint="With no goal chosen above, this picks your default goal; you can change it.",
        ),
        _text_input(
            ids.BLOCK_GOAL_TEXT,
            "In your words",
            form.goal_text,
            GOAL_TEXT_MAX,
            multiline=True,
            placeholder="e.g. Lead a platform team",
            hint="Needed for a goal of your own; optional for the two defaults.",
        ),
        _date_input(ids.BLOCK_GOAL_DATE, "Target date", form.goal_picked),
        _text_input(
            ids.BLOCK_GOAL_WORDS,
            "…or the target in words",
            form.goal_words,
            DATE_WORDS_MAX,
            placeholder="e.g. Q3 2028 or in 2 years",
        ),
        input_block(
            ids.BLOCK_GOAL_CHECKS,
            "Check your goal",
            {
                "type": "checkboxes",
                "options": [
                    _option("It's what I want, not what family or society expects", CHECK_OWN_WANT),
                    _option("It fits my values and my whole life", CHECK_FITS_VALUES),
                ],
                **_initial_options(
                    [
                        (
                            form.is_own_want,
                            "It's what I want, not what family or society expects",
                            CHECK_OWN_WANT,
                        ),
                        (form.fits_values, "It fits my values and my whole life", CHECK_FITS_VALUES),
                    ]
                ),
            },
        ),
        _text_input(
            ids.BLOCK_YEAR_FROM_NOW,
            "Where do you want to be a year from now?",
            form.year_from_now,
            YEAR_FROM_NOW_MAX,
            multiline=True,
        ),
    ]
    return _modal(ids.VIEW_GOAL, "Next", blocks)


def steps_view(form: PlanForm, goal_title: str) -> View:
    blocks: list[dict[str, Any]] = [
        context(f"Question 2 of 3 · Your goal: {fit(goal_title, 300)}"),
        section(
            "*What are your steps to get there?*\nThe roles or levels in between (for the keep-improving "
            "goal, the areas to strengthen), each with a target date. Nearest first."
        ),
    ]
    for i in range(form.step_rows):
        row = form.steps[i]
        blocks += [
            _text_input(
                ids.BLOCK_STEP_TITLE.format(i),
                f"Step {i + 1}",
                row.title,
                STEP_TITLE_MAX,
                placeholder="e.g. Senior engineer" if i == 0 else None,
            ),
            _date_input(ids.BLOCK_STEP_DATE.format(i), f"Step {i + 1}: target date", row.picked),
            _text_input(
                ids.BLOCK_STEP_WORDS.format(i),
                "…or the target in words",
                row.words,
                DATE_WORDS_MAX,
                placeholder="e.g. June 2027, Q3 2027 or in 6 months",
            ),
        ]
    done_options = [(form.steps[i].done, f"Step {i + 1}", str(i)) for i in range(form.step_rows)]
    blocks.append(
        input_block(
            ids.BLOCK_STEPS_DONE,
            "Steps already reached",
            {
                "type": "checkboxes",
                "options": [_option(label, value) for _, label, value in done_options],
                **_initial_options(done_options),
            },
        )
    )
    actions = [button("Back", ids.ACTION_BACK)]
    if form.step_rows < MAX_STEPS:
        actions.append(button("Add a step", ids.ACTION_ADD_STEP))
    blocks.append({"type": "actions", "block_id": "nav", "elements": actions})
    return _modal(ids.VIEW_STEPS, "Next", blocks)


def gaps_view(form: PlanForm, next_step: str | None, suggested: Sequence[dict[str, Any]] = ()) -> View:
    """The gaps page; `suggested`, what people asked for gaps suggested (context blocks), to type or reorder."""
    lead = "*What are the gaps between now and your next step?*\nMost significant first. "
    lead += "Work on the top one only, until it no longer is; then the next."
    blocks: list[dict[str, Any]] = [
        context("Question 3 of 3" + (f" · Your next step: {fit(next_step, 300)}" if next_step is not None else "")),
        section(lead),
        *suggested,
    ]
    for i in range(form.gap_rows):
        blocks.append(
            _text_input(
                ids.BLOCK_GAP.format(i),
                "Gap 1: your focus" if i == 0 else f"Gap {i + 1}",
                form.gaps[i],
                GAP_MAX,
                multiline=True,
                placeholder="e.g. Leading design reviews" if i == 0 else None,
            )
        )
    actions = [button("Back", ids.ACTION_BACK)]
    if form.gap_rows < MAX_GAPS:
        actions.append(button("Add a gap", ids.ACTION_ADD_GAP))
    blocks.append({"type": "actions", "block_id": "nav", "elements": actions})
    return _modal(ids.VIEW_GAPS, "Save plan", blocks)


def saved_view(saved: SavedPlan, line: Line | None, today: date, viewers: Sequence[Share] = ()) -> View:
    """The wizard's last word: saved, the focus now, what its targets suggest (only notes), and who can see the
    plan (with Share / Stop sharing): the manager of `line`, and `viewers`."""
    plan = saved.plan
    lines = [f"*Saved.* This is version {saved.version} of your plan."]
    if plan.focus_gap is not None:
        lines.append(f"Your focus now: *{fit(plan.focus_gap, 1500)}*")
    return {
        "type": "modal",
        "title": plain(TITLE),
        "close": plain("Done"),
        "blocks": [
            section("\n".join(lines)),
            *target_note_blocks(plan, today),
            {"type": "divider"},
            *who_can_see(line, viewers, viewer_controls=False),
        ],
    }


# --- Readers ------------------------------------------------------------------------------------


def read_goal(values: Values, form: PlanForm) -> None:
    kind = _selected(values, ids.BLOCK_GOAL_KIND, form.goal_kind)
    form.goal_kind = kind if kind in {k.value for k in GoalKind} else None
    senior = _selected(values, ids.BLOCK_IS_SENIOR, _senior_value(form.is_senior))
    form.is_senior = {SENIOR_YES: True, SENIOR_NO: False}.get(senior or "")
    form.goal_text = _text(values, ids.BLOCK_GOAL_TEXT, form.goal_text)
    form.goal_picked = _date(values, ids.BLOCK_GOAL_DATE, form.goal_picked)
    form.goal_words = _text(values, ids.BLOCK_GOAL_WORDS, form.goal_words)
    checks = _selected_many(values, ids.BLOCK_GOAL_CHECKS)
    if checks is not None:
        form.is_own_want = CHECK_OWN_WANT in checks
        form.fits_values = CHECK_FITS_VALUES in checks
    form.year_from_now = _text(values, ids.BLOCK_YEAR_FROM_NOW, form.year_from_now)


def _senior_value(is_senior: bool | None) -> str | None:
    return None if is_senior is None else (SENIOR_YES if is_senior else SENIOR_NO)


def read_steps(values: Values, form: PlanForm) -> None:
    done = _selected_many(values, ids.BLOCK_STEPS_DONE)
    for i in range(form.step_rows):
        row = form.steps[i]
        row.title = _text(values, ids.BLOCK_STEP_TITLE.format(i), row.title)
        row.picked = _date(values, ids.BLOCK_STEP_DATE.format(i), row.picked)
        row.words = _text(values, ids.BLOCK_STEP_WORDS.format(i), row.words)
        if done is not None:
            row.done = str(i) in done


def read_gaps(values: Values, form: PlanForm) -> None:
    for i in range(form.gap_rows):
        form.gaps[i] = _text(values, ids.BLOCK_GAP.format(i), form.gaps[i])


@dataclass(frozen=True)
class Page:
    """A wizard page as a Slack view: its callback_id, and how to read its state into the form."""

    page: WizardPage
    callback_id: str
    read: Callable[[Values, PlanForm], None]


PAGES: dict[str, Page] = {
    ids.VIEW_GOAL: Page(WizardPage.GOAL, ids.VIEW_GOAL, read_goal),
    ids.VIEW_STEPS: Page(WizardPage.STEPS, ids.VIEW_STEPS, read_steps),
    ids.VIEW_GAPS: Page(WizardPage.GAPS, ids.VIEW_GAPS, read_gaps),
}
# The clicks inside a page that are not a submission.
MOVES: dict[str, WizardMove] = {
    ids.ACTION_BACK: WizardMove.BACK,
    ids.ACTION_ADD_STEP: WizardMove.ADD_STEP,
    ids.ACTION_ADD_GAP: WizardMove.ADD_GAP,
}

_FIELD_BLOCK: dict[StrEnum, str] = {
    Field.GOAL_KIND: ids.BLOCK_GOAL_KIND,
    Field.IS_SENIOR: ids.BLOCK_IS_SENIOR,
    Field.GOAL_TEXT: ids.BLOCK_GOAL_TEXT,
    Field.GOAL_PICKED: ids.BLOCK_GOAL_DATE,
    Field.GOAL_WORDS: ids.BLOCK_GOAL_WORDS,
    Field.YEAR_FROM_NOW: ids.BLOCK_YEAR_FROM_NOW,
    Field.STEP_TITLE: ids.BLOCK_STEP_TITLE,
    Field.STEP_PICKED: ids.BLOCK_STEP_DATE,
    Field.STEP_WORDS: ids.BLOCK_STEP_WORDS,
    Field.GAP: ids.BLOCK_GAP,
}


def error_messages(errors: list[FieldError]) -> dict[str, str]:
    """Errors keyed by input block_id, for `ack(response_action="errors", errors=...)`."""
    messages: dict[str, str] = {}
    for error in errors:
        block_id = _FIELD_BLOCK[error.field].format(error.index if error.index is not None else 0)
        messages.setdefault(block_id, error.message)
    return messages


def build_page(page: WizardPage, form: PlanForm, suggested: Sequence[dict[str, Any]] = ()) -> View:
    """The view of a wizard page, filled from `form` (the gaps page with what people suggested)."""
    if page is WizardPage.GOAL:
        return goal_view(form)
    if page is WizardPage.STEPS:
        return steps_view(form, form.goal_title())
    return gaps_view(form, form.next_step_title(), suggested)


# --- Block helpers ------------------------------------------------------------------------------


def _modal(callback_id: str, submit: str, blocks: list[dict[str, Any]]) -> View:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(TITLE),
        "submit": plain(submit),
        "close": plain("Cancel"),
        "notify_on_close": True,
        "blocks": blocks,
    }


def _text_input(
    block_id: str,
    label: str,
    value: str,
    max_length: int,
    *,
    multiline: bool = False,
    placeholder: str | None = None,
    hint: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "multiline": multiline, "max_length": max_length}
    if value:
        # Slack refuses an initial value longer than max_length; the check on submit says why.
        element["initial_value"] = value[:max_length]
    if placeholder is not None:
        element["placeholder"] = plain(placeholder)
    return input_block(block_id, label, element, hint=hint)


def _date_input(block_id: str, label: str, picked: str | None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "datepicker"}
    if picked is not None and _is_iso_date(picked):
        element["initial_date"] = picked
    return input_block(block_id, label, element)


def _option(label: str, value: str) -> dict[str, Any]:
    return {"text": plain(cut(label, 75)), "value": value}


def _initial_option(selected: str | None, labels: dict[GoalKind, str]) -> dict[str, Any]:
    for kind, label in labels.items():
        if kind.value == selected:
            return {"initial_option": _option(label, kind.value)}
    return {}


def _initial_senior(is_senior: bool | None) -> dict[str, Any]:
    if is_senior is None:
        return {}
    value = SENIOR_YES if is_senior else SENIOR_NO
    return {"initial_option": _option(SENIOR_LABELS[value], value)}


def _initial_options(options: list[tuple[bool, str, str]]) -> dict[str, Any]:
    chosen = [_option(label, value) for on, label, value in options if on]
    return {"initial_options": chosen} if chosen else {}


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _element(values: Values, block_id: str) -> dict[str, Any] | None:
    """The state of a block's element, or None when Slack left the block out."""
    block = values.get(block_id) if isinstance(values, dict) else None
    if not isinstance(block, dict):
        return None
    element = block.get(ids.ELEMENT)
    if element is None and len(block) == 1:
        element = next(iter(block.values()))  # tolerate another action_id for the block's one element
    return element if isinstance(element, dict) else None


def _text(values: Values, block_id: str, current: str) -> str:
    element = _element(values, block_id)
    if element is None:
        return current
    value = element.get("value")
    return clean_text(value) if isinstance(value, str) else ""


def _date(values: Values, block_id: str, current: str | None) -> str | None:
    element = _element(values, block_id)
    if element is None:
        return current
    value = element.get("selected_date")
    return value if isinstance(value, str) and value else None


def _selected(values: Values, block_id: str, current: str | None) -> str | None:
    element = _element(values, block_id)
    if element is None:
        return current
    option = element.get("selected_option")
    value = option.get("value") if isinstance(option, dict) else None
    return value if isinstance(value, str) else None


def _selected_many(values: Values, block_id: str) -> set[str] | None:
    element = _element(values, block_id)
    if element is None:
        return None
    options = element.get("selected_options")
    if not isinstance(options, list):
        return set()
    return {o["value"] for o in options if isinstance(o, dict) and isinstance(o.get("value"), str)}
