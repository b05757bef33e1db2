"""What an employee's Home tab shows (F6), gathered in one place for the pure builder."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.career.asks import Ask, Suggestion
from bot.career.bench import Bench
from bot.career.conversation import Experiment
from bot.career.feedback import FeedbackNote
from bot.career.lines import Line
from bot.career.plan import SavedPlan
from bot.career.reflection import SavedReflection
from bot.career.report import Report
from bot.career.sharing import Share


@dataclass(frozen=True)
class TeamMember:
    """One report, as their manager's Home shows them (dates only: no answers unless shared)."""

    line: Line  # active; line.next_due_on and line.last_held_on are the schedule
    running: list[Experiment] = field(default_factory=list)  # experiments not yet ended


@dataclass(frozen=True)
class WorkspaceCounts:
    """An admin's Workspace section on Home: the workspace's report (counts only, suppressed), or why there is none
    yet (`missing`, safe to show)."""

    report: Report | None
    missing: str | None = None


@dataclass(frozen=True)
class HomeData:
    today: date
    saved: SavedPlan | None = None
    reflection: SavedReflection | None = None
    manager_line: Line | None = None  # the person's active line as a report: who may be shown their answers
    team: list[TeamMember] = field(default_factory=list)  # the person's reports, next due first (one page)
    team_size: int = 0  # all of their reports, when more than one page
    bench: Bench | None = None  # for a manager: what the reports who share with them shared (issue 16)
    feedback: list[FeedbackNote] = field(default_factory=list)  # the latest on the current plan, newest first
    viewers: list[Share] = field(default_factory=list)  # whom the person shares their current plan with now
    # Asks for gaps the person sent: waiting for an answer, answered "not now" (lately), and the suggestions.
    open_asks: list[Ask] = field(default_factory=list)
    declined_asks: list[Ask] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)  # newest first
    workspace: WorkspaceCounts | None = None  # only for an admin (CAREERPLAN_ADMINS): the Workspace section
