"""Who can see a person's answers, said exactly, with the control to share or stop sharing. Pure."""

from __future__ import annotations

from typing import Any

from bot.career.lines import Line
from bot.slack import ids
from bot.slack.blocks.text import button, context, section

SHARING_BLOCK = "sharing"


def who_can_see(line: Line | None) -> list[dict[str, Any]]:
    """Exactly who can see the person's plan and reflections, and the control to change it."""
    if line is None:
        return [
            section(
                "*Who can see your answers:* only you. "
                f"To share them with your manager, first add them with `{ids.COMMAND} manager @name`."
            )
        ]
    manager = f"<@{line.manager}>"
    if line.shared:
        text = f"*Who can see your answers:* you and {manager}, your manager, while they are your manager."
        control = button("Stop sharing", ids.ACTION_STOP_SHARING, value=str(line.id))
    else:
        text = f"*Who can see your answers:* only you. {manager}, your manager, sees that your plan is not shared."
        control = button("Share with my manager", ids.ACTION_SHARE, value=str(line.id), style="primary")
    return [
        section(text),
        {"type": "actions", "block_id": SHARING_BLOCK, "elements": [control]},
        context(
            "Sharing lets your manager open your current plan and your latest reflection. "
            "If they stop being your manager, they lose access at once. Admins see counts only."
        ),
    ]
