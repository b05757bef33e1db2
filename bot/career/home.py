"""What an employee's Home tab shows (F6), gathered in one place for the pure builder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.career.lines import Line
from bot.career.plan import SavedPlan
from bot.career.reflection import SavedReflection


@dataclass(frozen=True)
class HomeData:
    today: date
    saved: SavedPlan | None = None
    reflection: SavedReflection | None = None
    manager_line: Line | None = None  # the person's active line as a report: who may be shown their answers
