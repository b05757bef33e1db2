"""F7's modals: confirm deleting one's answers, and what was deleted. Pure Block Kit builders."""

from __future__ import annotations

from typing import Any

from bot.slack import ids
from bot.slack.blocks.text import context, plain, section

View = dict[str, Any]

DELETE_TITLE = "Delete your answers"
DELETE_SUBMIT = "Delete everything"

ERASED = (
    "*This erases all your answers:*\n"
    "• every version of your career plan: goals, steps with their targets, gaps\n"
    "• what you typed in a plan form you did not save\n"
    "• all your reflections\n"
    "• feedback on your plan, and the feedback you wrote on other people's plans\n"
    "• the notes and skip reasons of your career conversations, and the experiments' descriptions, "
    "whether you were the report or the manager\n"
    "• your asks for gaps with the suggestions you received, and the gaps you suggested to others\n"
    "Sharing with your manager is switched off, and so is sharing with anyone you named, or who named you."
)
KEPT = (
    "*What stays:* your reporting lines (who your manager is, who reports to you), the dates of "
    "career conversations and the kinds and end dates of experiments, so check-ins go on as before."
)
WARNING = f":warning: *This cannot be undone.* To keep a copy, cancel and type `{ids.COMMAND} export` first."

# How the done view names each count of storage.own_data.erase_answers.
_COUNTED = (
    ("plan_versions", "version of your plan", "versions of your plan"),
    ("plan_steps", "step", "steps"),
    ("plan_gaps", "gap", "gaps"),
    ("plan_drafts", "unsaved plan form", "unsaved plan forms"),
    ("reflections", "reflection", "reflections"),
    ("feedback_received", "feedback note on your plan", "feedback notes on your plan"),
    ("feedback_written", "feedback note you wrote", "feedback notes you wrote"),
    ("conversation_notes", "career conversation's notes", "career conversations' notes"),
    ("experiment_descriptions", "experiment's description", "experiments' descriptions"),
    ("gap_asks", "ask for gaps", "asks for gaps"),
    ("gap_suggestions_received", "gap suggested to you", "gaps suggested to you"),
    ("gap_suggestions_written", "gap you suggested", "gaps you suggested"),
)


def delete_confirm_view() -> View:
    """The confirmation modal for `/careerplan delete` (stamp it with its owner before opening)."""
    return {
        "type": "modal",
        "callback_id": ids.VIEW_DELETE,
        "title": plain(DELETE_TITLE),
        "submit": plain(DELETE_SUBMIT),
        "close": plain("Keep them"),
        "blocks": [section(ERASED), section(KEPT), section(WARNING)],
    }


def deleted_view(counts: dict[str, int]) -> View:
    """What the modal shows once the answers are gone: exactly how much was deleted."""
    deleted = [_count(counts.get(key, 0), one, many) for key, one, many in _COUNTED if counts.get(key, 0)]
    if deleted:
        text = "*Deleted:* " + ", ".join(deleted) + "."
    else:
        text = "*There was nothing to delete:* you had no plan, no reflections and no conversation notes saved."
    blocks = [section(text)]
    if counts.get("shares_stopped", 0):
        blocks.append(section("Sharing with your manager is off. Share again from your Home tab if you wish."))
    if counts.get("plan_shares", 0):
        blocks.append(
            section(
                "Your plan is no longer shared with anyone you had named, and plans others shared with you are "
                "closed to you until they share again."
            )
        )
    blocks.append(
        context(f"Your reporting lines and conversation dates stay. Write a new plan any time with `{ids.COMMAND}`.")
    )
    return {
        "type": "modal",
        "callback_id": ids.VIEW_DELETE,
        "title": plain(DELETE_TITLE),
        "close": plain("Done"),
        "blocks": blocks,
    }


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
