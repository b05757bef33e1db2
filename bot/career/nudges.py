"""What a nudge DM says, gathered by the sweep for the pure builders in bot.slack.blocks.nudges. No Slack, no SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Final

from bot.career.cadence import OVERDUE_KINDS, NudgeKind
from bot.career.calendar import CalendarEvent
from bot.career.conversation import Experiment


@dataclass(frozen=True)
class ManagerNudge:
    """F4: the manager is told a report's career conversation is due (or overdue)."""

    nudge_id: int
    line_id: int
    kind: NudgeKind
    report: str  # Slack user id
    due_on: date
    today: date  # the manager's local day, to say "in 3 days" or "overdue by 8 days"
    since: date  # the last conversation held, else the line's start
    since_held: bool  # True: `since` is the last conversation held; False: the line's start
    prompts: list[str]
    goal: str | None = None  # only when the report shares their plan with this manager
    focus_gap: str | None = None  # likewise
    focus_since: date | None = None  # likewise: the day the focus gap became the focus
    # Add to calendar (due soon and overdue only): the report's name, a suggested slot, the opening questions.
    calendar: CalendarEvent | None = None


@dataclass(frozen=True)
class ReportInvite:
    """The report's short DM before the talk: revise your plan (a button opens the wizard)."""

    manager: str  # Slack user id
    due_on: date
    first: bool  # the first conversation with a new manager


@dataclass(frozen=True)
class ExperimentsEnded:
    """Experiments of one line that ended on `ended_on`: what did each teach? (to the manager or the report)"""

    other: str  # the other person of the line: the report when sent to the manager, and the reverse
    to_manager: bool
    ended_on: date
    experiments: list[Experiment] = field(default_factory=list)


# --- the manager's reminders to themselves (issue 15: the article's honesty and "normalize ambition") -------

# "Career Conversations Matter": make it safe to share ambitious goals, even ones that may mean leaving the
# team one day; and be honest when a goal doesn't fit the person's strengths, then help find a path that does.
# Said to the manager only: never in a report's DM, nor in the calendar invite the report may see.
AMBITION_PROMPT: Final = (
    "Make it safe to aim high: ask where they want to be, even if that is beyond this team one day."
)
HONESTY_PROMPT: Final = "If the goal doesn't fit their strengths, say so and help find a path that does."

# The manager's reminders that invite a career conversation (not the ended-experiments question).
CONVERSATION_NUDGE_KINDS: Final = frozenset({NudgeKind.FIRST_MONTH, NudgeKind.DUE_SOON, *OVERDUE_KINDS})


def manager_reminders(kind: NudgeKind) -> list[str]:
    """What the manager is reminded of beside the questions: on the first month also to normalize ambition
    (once, not again when due or late), and on every conversation reminder to be honest about fit."""
    if kind not in CONVERSATION_NUDGE_KINDS:
        return []
    return [AMBITION_PROMPT, HONESTY_PROMPT] if kind is NudgeKind.FIRST_MONTH else [HONESTY_PROMPT]
