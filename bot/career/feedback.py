"""Feedback on a shared plan (issue 15, item 5): what it is and what a note may hold. No Slack, no SQL.

Whoever may read a person's plan (bot.career.lines.may_see_answers, checked by the use case) may send them
feedback on it, once per note. A note is kept with the plan version its author read, so a revision made
meanwhile does not make it seem to be about words the author never saw.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

FEEDBACK_MAX: Final = 1500
# Feedback notes on the current plan shown on the employee's Home; the export has them all.
FEEDBACK_ON_HOME: Final = 3


@dataclass(frozen=True)
class FeedbackNote:
    """One note, people named by their Slack user ids; `version` is the plan version it is kept with."""

    id: int
    report: str
    author: str
    version: int
    text: str
    sent_at: datetime


def check_feedback(text: str) -> str:
    """The note to keep (typed text less surrounding blank space), or ValueError saying what is wrong."""
    note = text.replace("\x00", "").strip()
    if not note:
        raise ValueError("Write your feedback first.")
    if len(note) > FEEDBACK_MAX:
        raise ValueError(f"Keep your feedback to {FEEDBACK_MAX} characters (it has {len(note)}).")
    return note


# What a Feedback button and the feedback modal carry: the report and the version shown, "U0ANA:3". Only a hint
# of what the viewer saw; the use case re-checks all of it.
PLAN_REF_SEPARATOR: Final = ":"


def plan_ref(report: str, version: int) -> str:
    return f"{report}{PLAN_REF_SEPARATOR}{version}"


def read_plan_ref(value: object) -> tuple[str, int] | None:
    """(report, version) from `plan_ref`'s text; None for anything else (the report's id is checked by the caller)."""
    if not isinstance(value, str) or value.count(PLAN_REF_SEPARATOR) != 1:
        return None
    report, version = value.split(PLAN_REF_SEPARATOR)
    if not report or not version.isascii() or not version.isdigit() or len(version) > 9 or int(version) < 1:
        return None
    return report, int(version)
