"""Honest targets on Home and the plan's saved view: gentle notes (bot.career.targets), never an error."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.career.plan import Plan
from bot.career.targets import target_notes
from bot.slack.blocks.text import context, section

KEEP_IT = "Only notes: if your plan is right for you, keep it as it is. *Edit plan* changes it any time."


def target_note_blocks(plan: Plan, today: date) -> list[dict[str, Any]]:
    """A short section of what the plan's targets suggest, or nothing when they look sound."""
    notes = target_notes(plan, today)
    if not notes:
        return []
    return [
        section("*A word on your targets*\n" + "\n".join(f"• {note.text}" for note in notes)),
        context(KEEP_IT),
    ]
