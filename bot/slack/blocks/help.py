"""The usage text for `/careerplan help` and unknown subcommands (F8)."""

from __future__ import annotations

from bot.slack import ids
from bot.slack.blocks.text import cut, escape

C = ids.COMMAND
USAGE = "\n".join(
    [
        f"*{C}* helps you write and revise your career plan: three questions,",
        "what's your goal, what are the steps to get there, and what gaps stand before the next step.",
        "",
        f"• `{C}`: write or revise your plan (it opens where you left off)",
        f"• `{C} {ids.SUB_REFLECT}`: what gives you energy, where you want to be, and why",
        f"• `{C} {ids.SUB_MANAGER} @name`: name your manager (they confirm)",
        f"• `{C} {ids.SUB_ADD} @name`: add someone who reports to you (they confirm)",
        f"• `{C} {ids.SUB_TEAM}`: your reports and open requests",
        f"• `{C} {ids.SUB_ASK} @name`: ask someone what gaps they see before your next step (they see only its title)",
        f"• `{C} {ids.SUB_LOG} @name`: log a career conversation you held with someone who reports to you",
        f"• `{C} {ids.SUB_SHARE} @name`: let someone (a mentor, a coach) read your current plan",
        f"• `{C} {ids.SUB_UNSHARE} @name`: stop sharing your plan with them",
        f"• `{C} {ids.SUB_EXPORT}`: get everything you saved as a Markdown file",
        f"• `{C} {ids.SUB_DELETE}`: erase all your answers",
        f"• `{C} {ids.SUB_HELP}`: this message",
        "",
        "Your plan is private until you share it. The app's *Home* tab shows it at a glance,",
        "and says exactly who can see it.",
    ]
)


def usage(unknown: str | None = None) -> str:
    """Usage text, leading with a note about what was not understood (escaped: it is user text)."""
    if unknown is None:
        return USAGE
    return f"I don't know `{escape(cut(unknown, 40))}`.\n\n{USAGE}"
