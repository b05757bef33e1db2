"""The reflection modal (F2) and its parser, and the last reflection as Home shows it. Pure."""

from __future__ import annotations

from typing import Any

from bot.career.reflection import SavedReflection


def reflection_summary(saved: SavedReflection) -> list[dict[str, Any]]:
    """Home's blocks for the person's last reflection (user text escaped and cut to fit)."""
    return []
