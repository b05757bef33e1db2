"""The curiosity/why prompts of F2 (DESIGN.md §1, "Career Conversations Matter"). No Slack, no SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.career.plan import FieldError, FormInvalid, clean_text

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


# --- Checks -------------------------------------------------------------------------------------


class ReflectionField(StrEnum):
    """The prompts, for pointing errors at the right input."""

    ENERGY = "energy"
    YEAR_FROM_NOW = "year_from_now"
    WHY = "why"
    WHY_WORDS = "why_words"
    DIRECTION = "direction"


def tidied(reflection: Reflection) -> Reflection:
    """The answers as they will be stored: trimmed, free of NUL, each reason once and in a fixed order."""
    return Reflection(
        energy=clean_text(reflection.energy).strip(),
        year_from_now=clean_text(reflection.year_from_now).strip(),
        why=tuple(reason for reason in Why if reason in reflection.why),
        why_words=clean_text(reflection.why_words).strip(),
        direction=reflection.direction,
    )


def is_blank(reflection: Reflection) -> bool:
    texts = (reflection.energy, reflection.year_from_now, reflection.why_words)
    return not (any(text.strip() for text in texts) or reflection.why or reflection.direction)


def check_reflection(reflection: Reflection) -> None:
    """Raise FormInvalid unless at least one prompt is answered and every text is within its limit."""
    if is_blank(reflection):
        raise FormInvalid([_error(ReflectionField.ENERGY, "Answer at least one of these prompts: any one will do.")])
    errors = [
        _error(field_, f"Keep this to {limit} characters (it has {len(text)}).")
        for field_, text, limit in (
            (ReflectionField.ENERGY, reflection.energy, ENERGY_MAX),
            (ReflectionField.YEAR_FROM_NOW, reflection.year_from_now, YEAR_FROM_NOW_MAX),
            (ReflectionField.WHY_WORDS, reflection.why_words, WHY_WORDS_MAX),
        )
        if len(text) > limit
    ]
    if errors:
        raise FormInvalid(errors)


def _error(field_: ReflectionField, message: str) -> FieldError:
    return FieldError(field_, message)
