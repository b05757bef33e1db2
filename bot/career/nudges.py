"""What a nudge DM says, gathered by the sweep for the pure builders in bot.slack.blocks.nudges. No Slack, no SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.career.cadence import NudgeKind
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
