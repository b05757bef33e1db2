"""Feedback on a shared plan: the modal and its reader, what its author is shown, the employee's DM, and the
Feedback section of their Home. Pure.

`feedback_view` / `read_feedback` come in a pair. The listener stamps `private_metadata` (owner, and the plan's
"REPORT:VERSION"); the builders never set it. People are `<@U…>` mentions of ids Slack gave us; the note itself
is escaped, so it can mention, link or notify no one.
"""

from __future__ import annotations

from typing import Any

from bot.career.feedback import FEEDBACK_MAX, FeedbackNote
from bot.career.nudges import HONESTY_PROMPT
from bot.career.plan import human_date
from bot.slack import ids
from bot.slack.blocks.conversations import NOTES_PIECE_MAX, escaped_pieces, mention
from bot.slack.blocks.text import Blocks, Message, context, element_state, fit, input_block, plain, section

TITLE = "Feedback"
# The article's spirit, for the one giving feedback: listen first, then be honest about fit.
HINT = f"Listen, be honest: {HONESTY_PROMPT[0].lower()}{HONESTY_PROMPT[1:]}"
ON_HOME_MAX = 1200  # escaped characters of one note on Home (the export has it whole)

View = dict[str, Any]
Values = dict[str, Any]


def feedback_view(report: str, version: int) -> View:
    """The modal: one required note about version `version` of `report`'s plan."""
    element = {
        "type": "plain_text_input",
        "multiline": True,
        "max_length": FEEDBACK_MAX,
        "placeholder": plain("What fits, what doesn't, and what could help"),
    }
    return {
        "type": "modal",
        "callback_id": ids.VIEW_FEEDBACK,
        "title": plain(TITLE),
        "submit": plain("Send"),
        "close": plain("Cancel"),
        "blocks": [
            section(f"*Feedback on {mention(report)}'s plan* (version {version})"),
            input_block(ids.BLOCK_FEEDBACK, "Your feedback", element, optional=False, hint=HINT),
            context(
                f"{mention(report)} gets it as a direct message from careerplan, kept with version {version} of "
                "their plan. Nobody else sees it, and nothing is posted to a channel."
            ),
        ],
    }


def read_feedback(values: Values) -> str:
    """The note as typed ("" when Slack left it out or sent junk: the use case then says it is missing)."""
    typed = element_state(values, ids.BLOCK_FEEDBACK).get("value")
    return typed if isinstance(typed, str) else ""


def feedback_errors(message: str) -> dict[str, str]:
    return {ids.BLOCK_FEEDBACK: message}


def sent_text(report: str, version: int, current_version: int) -> str:
    """What the modal says once the note is sent (no words of the note: the author knows them)."""
    text = (
        f"*Sent.* {mention(report)} has your feedback as a direct message from careerplan; nobody else sees it. "
        "They can reply to you directly."
    )
    if current_version > version:
        text += (
            f"\nThey have revised their plan since you opened it (it is now version {current_version}): your "
            f"feedback is kept with version {version}, the one you read."
        )
    return text


def feedback_dm(note: FeedbackNote) -> Message:
    """The employee's DM: who wrote, on which version, the note whole (escaped), and that replies are direct."""
    text = f"Feedback from {mention(note.author)} on your plan (version {note.version})"
    pieces = escaped_pieces(note.text, NOTES_PIECE_MAX)
    blocks: Blocks = [section(f"*{text}:*"), *(section(piece) for piece in pieces)]
    blocks.append(
        context(
            f"Reply to {mention(note.author)} directly if you want to talk it over: careerplan doesn't pass replies "
            "on. The note stays with this version of your plan, on your Home tab and in your export; only you see it."
        )
    )
    return text, blocks


def feedback_section(notes: list[FeedbackNote]) -> Blocks:
    """Home's Feedback section: the latest notes on the current plan, newest first (none: no section)."""
    if not notes:
        return []
    blocks: Blocks = [section("*Feedback on your plan*")]
    for note in notes:
        when = f"<!date^{int(note.sent_at.timestamp())}^{{date_short_pretty}}|{human_date(note.sent_at.date())}>"
        blocks.append(section(f"From {mention(note.author)}, {when}:\n{fit(note.text, ON_HOME_MAX)}"))
    blocks.append(context(f"Only you see feedback. All of it is in your export (`{ids.COMMAND} {ids.SUB_EXPORT}`)."))
    return blocks
