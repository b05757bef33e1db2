"""The usage text for `/careerplan help` and unknown subcommands (F8)."""

from __future__ import annotations

from bot import ids
from bot.blocks.text import cut, escape

USAGE = "\n".join(
    [
        f"*{ids.COMMAND}* helps you write and revise your career plan: three questions,",
        "what's your goal, what are the steps to get there, and what gaps stand before the next step.",
        "",
        f"• `{ids.COMMAND}`: write or revise your plan (it opens where you left off)",
        f"• `{ids.COMMAND} help`: this message",
        "",
        "Your plan is private to you. Open the app's *Home* tab to see it at a glance.",
    ]
)


def usage(unknown: str | None = None) -> str:
    """Usage text, leading with a note about what was not understood (escaped: it is user text)."""
    if unknown is None:
        return USAGE
    return f"I don't know `{escape(cut(unknown, 40))}`.\n\n{USAGE}"
