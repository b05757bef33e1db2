"""The manager's bench (issue 16): the succession picture of their reports, built only from what each report
chose to share. No Slack, no SQL.

For each report whose active line is shared with the manager (the one rule of who may read a plan,
bot.career.sharing.reader_of, as the manager): the direction of their latest reflection, their next step and
its target, and their focus gap with since when. Reports who don't share are only counted, never described.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from bot.career.lines import Line
from bot.career.plan import Plan, Step
from bot.career.reflection import Direction
from bot.career.sharing import Reader, reader_of

# The succession view: who leans towards the next step first, then who grows in the role, who looks elsewhere,
# who is unsure, and last whoever has not said (no reflection, or no direction in it).
DIRECTION_ORDER: Final[tuple[Direction, ...]] = (
    Direction.NEXT_STEP,
    Direction.GROW_IN_ROLE,
    Direction.DIFFERENT_PATH,
    Direction.NOT_SURE,
)


@dataclass(frozen=True)
class PlanGlance:
    """What the bench shows of a plan: its next step (the first not reached) and its focus gap with since when."""

    next_step: Step | None = None
    focus_gap: str | None = None
    focus_since: date | None = None

    @classmethod
    def of(cls, plan: Plan) -> PlanGlance:
        focus = plan.focus_gap
        return cls(plan.next_step, focus, plan.focus_since if focus is not None else None)


@dataclass(frozen=True)
class BenchEntry:
    """One sharing report, as their manager's bench shows them: only what they shared, and only the summary."""

    report: str  # Slack user id
    direction: Direction | None = None  # from their latest reflection; None: no reflection, or no direction in it
    next_step: Step | None = None  # the first step not reached; None: no plan, or every step reached
    has_plan: bool = False
    focus_gap: str | None = None
    focus_since: date | None = None


@dataclass(frozen=True)
class Bench:
    entries: list[BenchEntry] = field(default_factory=list)  # the sharing reports, in DIRECTION_ORDER
    sharing: int = 0  # how many reports share their plan with the manager
    team_size: int = 0  # how many reports the manager has (active lines)

    def leaning(self) -> list[tuple[Direction, int]]:
        """How many sharing reports lean each way, in DIRECTION_ORDER; directions nobody chose left out."""
        counts = Counter(entry.direction for entry in self.entries if entry.direction is not None)
        return [(direction, counts[direction]) for direction in DIRECTION_ORDER if counts[direction]]


def on_bench(manager: str, line: Line) -> bool:
    """Whether `line`'s report is on `manager`'s bench: `manager` reads their plan *as their manager* now (the
    line active, theirs, and shared). Named viewers are not the bench's business, so none are passed."""
    return reader_of(manager, line.report, line, ()) is Reader.MANAGER


def build_bench(
    manager: str,
    lines: Iterable[Line],
    plans: Mapping[str, PlanGlance],
    directions: Mapping[str, Direction | None],
) -> Bench:
    """The bench from the manager's active `lines`, and for reports (by Slack user id) a glance at their latest
    plan and the direction of their latest reflection (None: it gave none). Only reports on the bench produce
    entries, whatever else the mappings hold."""
    team = list(lines)
    shown = [line.report for line in team if on_bench(manager, line)]
    entries = [_entry(report, plans.get(report), directions.get(report)) for report in dict.fromkeys(shown)]
    entries.sort(key=_succession_order)
    return Bench(entries=entries, sharing=len(entries), team_size=len(team))


def _entry(report: str, plan: PlanGlance | None, direction: Direction | None) -> BenchEntry:
    if plan is None:
        return BenchEntry(report, direction)
    return BenchEntry(report, direction, plan.next_step, True, plan.focus_gap, plan.focus_since)


def _succession_order(entry: BenchEntry) -> tuple[int, date, str]:
    """By direction (DIRECTION_ORDER, the undecided last), then the soonest next step, then by id (stable)."""
    rank = DIRECTION_ORDER.index(entry.direction) if entry.direction is not None else len(DIRECTION_ORDER)
    target = entry.next_step.target if entry.next_step is not None else date.max
    return rank, target, entry.report
