"""The scheduler's DMs (F4): the manager's nudge, the report's invitation, and the ended-experiments question.

Pure builders: each returns (notification text, blocks). People are `<@U…>` mentions of ids Slack gave us;
everything people typed (goal, gap, experiment) is escaped and cut with `fit`, so it can neither ping nor
link anyone, nor push a block past Slack's limits.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from bot.career.cadence import EXPERIMENT_LABELS, OUTCOME_LABELS, NudgeKind, Outcome
from bot.career.calendar import CALENDAR_KINDS, CalendarEvent, google_calendar_url, outlook_calendar_url
from bot.career.nudges import ExperimentsEnded, ManagerNudge, ReportInvite, manager_reminders
from bot.career.plan import focus_age
from bot.slack import ids
from bot.slack.blocks.text import SECTION_TEXT_MAX, Blocks, Message, button, context, escape, fit, plain, section

MESSAGE_BLOCKS_MAX: Final = 50  # blocks in one chat.postMessage
# Each experiment takes two blocks (what it was, and its three answers); the rest leave room for the intro.
EXPERIMENTS_SHOWN_MAX: Final = (MESSAGE_BLOCKS_MAX - 2) // 2
GOAL_SHOWN_MAX: Final = 600
GAP_SHOWN_MAX: Final = 400


def m(user_id: str) -> str:
    return f"<@{user_id}>"


def long_date(day: date, today: date) -> str:
    """ "Friday 5 December" (with the year when it is not this year's): a day a person plans around."""
    text = f"{day:%A} {day.day} {day:%B}"
    return text if day.year == today.year else f"{text} {day.year}"


def short_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def days_phrase(due_on: date, today: date) -> str:
    """ "in 3 days", "tomorrow", "today", "overdue by 1 day", "overdue by 8 days"."""
    days = (due_on - today).days
    if days > 1:
        return f"in {days} days"
    if days == 1:
        return "tomorrow"
    if days == 0:
        return "today"
    late = -days
    return f"overdue by {late} day{'s' if late != 1 else ''}"


def manager_nudge(n: ManagerNudge) -> Message:
    """F4: who, when due, since when, the report's goal and focus gap (only when shared), prompts, buttons."""
    when = f"{long_date(n.due_on, n.today)} ({days_phrase(n.due_on, n.today)})"
    verb = "was due" if n.due_on < n.today else "is due"
    if n.kind is NudgeKind.FIRST_MONTH:
        text = f"{m(n.report)} is new to your team: your first career conversation with them {verb} {when}."
    else:
        text = f"Your career conversation with {m(n.report)} {verb} {when}."
    since = (
        f"Last career conversation: {short_date(n.since)}."
        if n.since_held
        else f"Reporting to you since {short_date(n.since)}; no career conversation logged yet."
    )
    blocks: Blocks = [section(f"*{text}*"), context(since)]
    plan: list[str] = []
    if n.goal:
        plan.append(f"*Their goal:* {fit(n.goal, GOAL_SHOWN_MAX)}")
    if n.focus_gap:
        worked_on = "" if n.focus_since is None else f" (worked on {focus_age(n.focus_since, n.today)})"
        plan.append(f"*The gap they are working on:* {fit(n.focus_gap, GAP_SHOWN_MAX)}{worked_on}")
    if plan:
        blocks.append(section("\n".join(plan)))
    if n.prompts:
        bullets = "\n".join(f"• {escape(prompt)}" for prompt in n.prompts)
        blocks.append(section(f"*Questions to start with*\n{bullets}"[:SECTION_TEXT_MAX]))
    if reminders := manager_reminders(n.kind):
        # The manager's own reminders (bot.career.nudges): in the DM only, never in the calendar link.
        blocks.append(context("\n".join(escape(reminder) for reminder in reminders)))
    blocks.append(
        {
            "type": "actions",
            "block_id": "nudge_actions",
            "elements": [
                button("Log conversation", ids.ACTION_LOG, value=str(n.line_id), style="primary"),
                button("Snooze a week", ids.ACTION_SNOOZE, value=str(n.nudge_id)),
                button("Skip this cycle", ids.ACTION_SKIP, value=str(n.line_id)),
            ],
        }
    )
    if n.calendar is not None and n.kind in CALENDAR_KINDS:
        blocks.append(calendar_actions(n.calendar))
    return text, blocks


def calendar_actions(event: CalendarEvent) -> dict[str, Any]:
    """Add to calendar: url buttons opening the provider's new-event form (no OAuth; the links hold only the
    title, the suggested slot and the opening questions)."""
    return {
        "type": "actions",
        "block_id": "calendar_actions",
        "elements": [
            link_button("Add to Google Calendar", ids.ACTION_CALENDAR_GOOGLE, google_calendar_url(event)),
            link_button("Add to Outlook", ids.ACTION_CALENDAR_OUTLOOK, outlook_calendar_url(event)),
        ],
    }


def link_button(text: str, action_id: str, url: str) -> dict[str, Any]:
    """A button that opens `url` (at most 3,000 characters for Slack: bot.career.calendar keeps to 2,000)."""
    return {"type": "button", "text": plain(text), "action_id": action_id, "url": url}


def report_invite(r: ReportInvite) -> Message:
    """Before the talk: a short invitation to revise the plan, with a button that opens the wizard."""
    if r.first:
        text = (
            f"Your first career conversation with {m(r.manager)} is due {short_date(r.due_on)}. "
            "A good moment to write or revise your career plan."
        )
    else:
        text = (
            f"Your next career conversation with {m(r.manager)} is due {short_date(r.due_on)}. "
            "A good moment to revise your career plan."
        )
    blocks: Blocks = [
        section(text),
        context("Your plan stays private unless you share it with your manager (Home tab)."),
        {
            "type": "actions",
            "block_id": "invite_actions",
            "elements": [button("Revise my plan", ids.ACTION_EDIT_PLAN, style="primary")],
        },
    ]
    return text, blocks


def experiments_ended(e: ExperimentsEnded) -> Message:
    """What did each experiment teach? One section and three answer buttons per experiment."""
    count = len(e.experiments)
    things = "The experiment" if count == 1 else "The experiments"
    pronoun = "it" if count == 1 else "they"
    text = f"{things} you agreed with {m(e.other)} ended on {short_date(e.ended_on)}. What did {pronoun} teach?"
    blocks: Blocks = [section(text)]
    for experiment in e.experiments[:EXPERIMENTS_SHOWN_MAX]:
        label = EXPERIMENT_LABELS.get(experiment.kind, "Experiment")
        blocks.append(section(f"*{escape(label)}:* {fit(experiment.what, SECTION_TEXT_MAX - 100)}"))
        blocks.append(
            {
                "type": "actions",
                "block_id": f"outcome_{experiment.id}",
                "elements": [
                    button(OUTCOME_LABELS[outcome], ids.ACTION_OUTCOME_PREFIX + outcome.value, value=str(experiment.id))
                    for outcome in Outcome
                ],
            }
        )
    hidden = count - EXPERIMENTS_SHOWN_MAX
    if hidden > 0:
        blocks.append(context(f"…and {hidden} more, not shown here."))
    return text, blocks


WAITED_NOTE: Final = (
    "This reminder waited while you were away or on a public holiday; after two weeks it comes anyway, "
    "so nothing is lost."
)


def with_waited_note(message: Message) -> Message:
    """The same reminder, saying it was held back for HOLD_CAP while its recipient was away."""
    text, blocks = message
    return f"{text} ({WAITED_NOTE})", [*blocks, context(WAITED_NOTE)]


def reminder_metadata(nudge_id: int) -> dict[str, Any]:
    """chat.postMessage's `metadata` for a reminder: its nudge id, and nothing anyone wrote."""
    return {"event_type": ids.REMINDER_METADATA_EVENT, "event_payload": {"nudge_id": nudge_id}}


def reminder_in(messages: object, nudge_id: int) -> str | None:
    """The ts of the reminder of `nudge_id` among conversations.history's `messages`, if it is there (read with
    include_all_metadata); anything malformed is no reminder."""
    if not isinstance(messages, list):
        return None
    for message in messages:
        if not isinstance(message, dict):
            continue
        metadata = message.get("metadata")
        if not isinstance(metadata, dict) or metadata.get("event_type") != ids.REMINDER_METADATA_EVENT:
            continue
        payload = metadata.get("event_payload")
        found = payload.get("nudge_id") if isinstance(payload, dict) else None
        ts = message.get("ts")
        # Slack hands the payload back as it was posted; a number that came back as text still names the nudge.
        if isinstance(ts, str) and ts and not isinstance(found, bool) and str(found) == str(nudge_id):
            return ts
    return None
