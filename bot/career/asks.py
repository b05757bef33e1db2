"""Asking key people for gaps (issue 15): "what are the gaps between now and my next step?". Pure rules.

An employee asks someone (a manager, a mentor, a friend) and chooses what that person sees: the next step's
title, always, and the goal only if they say so, with a note. The asked person answers with up to three gaps,
most significant first, and a word of encouragement, or says not now. Their suggestions reach the employee
alone, who may add each gap to the plan. The asked person never sees anything else of the plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from bot.career.plan import GAP_MAX, MAX_GAPS, FieldError, FormInvalid, Plan

# Nobody can use the bot to pester people: a few asks waiting at a time, and one per person asked.
MAX_OPEN_ASKS: Final = 3
MAX_SUGGESTED_GAPS: Final = 3
NOTE_MAX: Final = 500
ENCOURAGEMENT_MAX: Final = 500
# A "not now" shows on the asker's Home this long, then only in the export.
NOT_NOW_SHOWN_FOR: Final = timedelta(days=14)


class AskStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    DECLINED = "declined"  # the asked person said "Not now"
    WITHDRAWN = "withdrawn"  # the employee took the ask back (or Slack could not deliver it)


class AskField(StrEnum):
    """The ask and answer forms' fields, for pointing errors at the right input."""

    PERSON = "person"
    NOTE = "note"
    GAP = "gap"
    ENCOURAGEMENT = "encouragement"


@dataclass(frozen=True)
class Ask:
    """One ask, people named by their Slack user ids. `step_title` and `goal` are all the asked person sees."""

    id: int
    team_id: str
    asker: str
    asked: str
    step_title: str
    goal: str | None  # shown only if the employee chose to
    note: str
    status: AskStatus
    asked_at: datetime
    answered_at: datetime | None = None


@dataclass(frozen=True)
class SuggestedGap:
    id: int
    text: str
    added: bool  # the employee added it to their plan's gaps


@dataclass(frozen=True)
class Suggestion:
    """The asked person's answer: their gaps, most significant first, and their word of encouragement."""

    ask_id: int
    asker: str
    author: str
    step_title: str  # what the gaps were suggested for
    gaps: tuple[SuggestedGap, ...]
    encouragement: str
    sent_at: datetime


def recent_not_nows(asks: Sequence[Ask], now: datetime) -> list[Ask]:
    """The asks answered "not now" lately enough to mention on the asker's Home."""
    return [
        ask
        for ask in asks
        if ask.status is AskStatus.DECLINED
        and ask.answered_at is not None
        and now - ask.answered_at <= NOT_NOW_SHOWN_FOR
    ]


def next_step_title(plan: Plan | None) -> str | None:
    """The title of the plan's next step (the first not reached yet), or None without one."""
    if plan is None:
        return None
    return next((step.title for step in plan.steps if not step.done), None)


def check_ask(asker: str, asked: str | None, note: str) -> list[FieldError]:
    """The ask form's own checks: someone named, not oneself, a note of a reasonable length."""
    errors: list[FieldError] = []
    if asked is None:
        errors.append(FieldError(AskField.PERSON, "Choose the person to ask."))
    elif asked == asker:
        errors.append(FieldError(AskField.PERSON, "Ask someone else: a manager, a mentor, a friend."))
    length = len(note.strip())
    if length > NOTE_MAX:
        errors.append(FieldError(AskField.NOTE, f"Keep the note to {NOTE_MAX} characters (it has {length})."))
    return errors


def too_many_asks(open_asks: int) -> str | None:
    """Why one more ask can't go out now, given how many of the asker's are waiting, if it can't."""
    if open_asks >= MAX_OPEN_ASKS:
        return (
            f"You already have {MAX_OPEN_ASKS} asks waiting for an answer: wait for one, or withdraw one "
            "from your Home tab, before asking someone else."
        )
    return None


def check_suggestions(gaps: Sequence[str], encouragement: str) -> tuple[tuple[str, ...], str]:
    """The answer form's gaps (blanks dropped, order kept) and encouragement; raises FormInvalid."""
    errors: list[FieldError] = []
    kept: list[str] = []
    for i, raw in enumerate(gaps[:MAX_SUGGESTED_GAPS]):
        text = raw.strip()
        if len(text) > GAP_MAX:
            errors.append(FieldError(AskField.GAP, f"Keep this to {GAP_MAX} characters (it has {len(text)}).", i))
        elif text:
            kept.append(text)
    words = encouragement.strip()
    if len(words) > ENCOURAGEMENT_MAX:
        errors.append(
            FieldError(AskField.ENCOURAGEMENT, f"Keep this to {ENCOURAGEMENT_MAX} characters (it has {len(words)}).")
        )
    if not kept and not errors:
        errors.append(FieldError(AskField.GAP, "Suggest at least one gap: the one that matters most.", 0))
    if errors:
        raise FormInvalid(errors)
    return tuple(kept), words


class Added(StrEnum):
    ADDED = "added"
    ALREADY_THERE = "already_there"  # the plan lists that gap already
    FULL = "full"  # the plan has MAX_GAPS gaps


def with_gap(gaps: tuple[str, ...], suggested: str) -> tuple[Added, tuple[str, ...]]:
    """The plan's gaps with `suggested` appended after the others (the employee reorders them in the wizard),
    unless it is there already (case and spacing aside) or the list is full."""
    if _same(suggested) in {_same(gap) for gap in gaps}:
        return Added.ALREADY_THERE, gaps
    if len(gaps) >= MAX_GAPS:
        return Added.FULL, gaps
    return Added.ADDED, (*gaps, suggested)


def _same(text: str) -> str:
    return " ".join(text.split()).casefold()
