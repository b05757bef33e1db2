"""The curiosity/why prompts of F2 (DESIGN.md §1, "Career Conversations Matter"). No Slack, no SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

ENERGY_MAX = 1000
YEAR_FROM_NOW_MAX = 1000
WHY_WORDS_MAX = 1000


class Why(StrEnum):
    """What the person hopes the next role or goal will give them."""

    CHALLENGES = "challenges"
    RECOGNITION = "recognition"
    PAY = "pay"
    FLEXIBILITY = "flexibility"
    IMPACT = "impact"
    LEARNING = "learning"
    OTHER = "other"


class Direction(StrEnum):
    GROW_IN_ROLE = "grow_in_role"
    NEXT_STEP = "next_step"
    DIFFERENT_PATH = "different_path"
    NOT_SURE = "not_sure"


WHY_LABELS: dict[Why, str] = {
    Why.CHALLENGES: "New challenges",
    Why.RECOGNITION: "Recognition",
    Why.PAY: "Better pay",
    Why.FLEXIBILITY: "Flexibility",
    Why.IMPACT: "More impact",
    Why.LEARNING: "Learning",
    Why.OTHER: "Something else",
}

DIRECTION_LABELS: dict[Direction, str] = {
    Direction.GROW_IN_ROLE: "Grow in this role",
    Direction.NEXT_STEP: "Take the next step",
    Direction.DIFFERENT_PATH: "Try a different path",
    Direction.NOT_SURE: "Not sure yet",
}


@dataclass(frozen=True)
class Reflection:
    """One set of answers to the prompts; every answer is optional, but not all of them at once."""

    energy: str
    year_from_now: str
    why: tuple[Why, ...]
    why_words: str
    direction: Direction | None


@dataclass(frozen=True)
class SavedReflection:
    reflection: Reflection
    saved_at: datetime
