"""The welcome DM (CAREERPLAN_WELCOME=on) and the modal it opens to name a manager. Pure."""

from __future__ import annotations

from typing import Any

from bot.slack import ids
from bot.slack.blocks.text import Message, button, context, element_state, plain, section

NAME_MANAGER_TITLE = "Name your manager"

WELCOME_TEXT = (
    "Hi, I'm careerplan: I help you write a career plan, and remind your manager when a career conversation "
    "with you is due."
)
WHO_SEES_WHAT = (
    "*Who sees what*\n"
    "• Your plan and reflections are private: only you see them until you choose to share them.\n"
    "• Your manager sees them only while you report to them here *and* you have shared them.\n"
    "• Nothing is ever posted in a channel."
)


def welcome_message() -> Message:
    """One short DM: what the bot does, who sees what, and the two first steps as buttons."""
    return WELCOME_TEXT, [
        section(
            "*Hi, I'm careerplan.* I help you write a career plan (your goal, the steps to get there, and the gaps "
            "before the next step) and remind your manager when a career conversation with you is due."
        ),
        section(WHO_SEES_WHAT),
        {
            "type": "actions",
            "block_id": "welcome",
            "elements": [
                button("Write my plan", ids.ACTION_EDIT_PLAN, style="primary"),
                button("Name my manager", ids.ACTION_NAME_MANAGER),
            ],
        },
        context(f"Type `{ids.COMMAND} {ids.SUB_HELP}` any time to see what else I can do."),
    ]


def name_manager_view() -> dict[str, Any]:
    """A modal to choose one's manager; they are asked to confirm, as with `/careerplan manager @name`."""
    return {
        "type": "modal",
        "callback_id": ids.VIEW_NAME_MANAGER,
        "title": plain(NAME_MANAGER_TITLE),
        "submit": plain("Ask them"),
        "close": plain("Cancel"),
        "blocks": [
            {
                "type": "input",
                "block_id": ids.BLOCK_MANAGER,
                "label": plain("Who is your manager?"),
                "element": {"type": "users_select", "action_id": ids.ELEMENT, "placeholder": plain("Choose a person")},
                "hint": plain("They get a DM asking them to confirm. Your plan stays private until you share it."),
            }
        ],
    }


def chosen_manager(values: dict[str, Any]) -> str | None:
    """The Slack user id chosen in `name_manager_view`, if any."""
    chosen = element_state(values, ids.BLOCK_MANAGER).get("selected_user")
    return chosen if isinstance(chosen, str) and chosen else None
