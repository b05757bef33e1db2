"""The Reminder settings modal: when reminders may reach a person (working days, hours, public holidays), and
what Slack statuses hold them. Pure Block Kit builders and the parser of what was submitted."""

from __future__ import annotations

from typing import Any

from bot.career.availability import HOLD_CAP, format_work_days, format_working_hours
from bot.slack import ids
from bot.slack.blocks.text import context, element_state, escape, input_block, plain, section
from bot.usecases.availability import ReminderChoices, ReminderForm

View = dict[str, Any]

TITLE = "Reminder settings"
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
HOURS_MAX = 20
HOLIDAYS_MAX = 40


def reminder_settings_view(choices: ReminderChoices) -> View:
    """The person's working time as it applies now, each part editable; the workspace's shown as the default."""
    working, workspace = choices.working, choices.workspace
    options = [_day(n) for n in range(7)]
    days: dict[str, Any] = {"type": "checkboxes", "options": options}
    chosen = [_day(n) for n in range(7) if n in working.days]
    if chosen:
        days["initial_options"] = chosen
    hours = {
        "type": "plain_text_input",
        "max_length": HOURS_MAX,
        "initial_value": format_working_hours(working.start, working.end),
        "placeholder": plain("09:00-17:00"),
    }
    holidays: dict[str, Any] = {
        "type": "plain_text_input",
        "max_length": HOLIDAYS_MAX,
        "placeholder": plain("e.g. US, GB-ENG, DE-BY, or none"),
    }
    if working.holidays:
        holidays["initial_value"] = working.holidays
    zone = escape(working.tz or "UTC")
    blocks = [
        section(
            "Career reminders reach you only inside your working time, on your own clock "
            f"(your Slack time zone: *{zone}*). Change what does not fit; what you leave as it is follows the "
            "workspace's settings."
        ),
        input_block(
            ids.BLOCK_WORK_DAYS,
            "Working days",
            days,
            optional=False,
            hint=f"The workspace's: {format_work_days(workspace.days)}",
        ),
        input_block(
            ids.BLOCK_WORK_HOURS,
            "Working hours",
            hours,
            optional=False,
            hint=f"From-to, 24-hour clock. The workspace's: {format_working_hours(workspace.start, workspace.end)}",
        ),
        input_block(
            ids.BLOCK_HOLIDAYS,
            "Public holidays",
            holidays,
            optional=True,
            hint="A country, or country-region, whose public holidays are days off for you. "
            f"The workspace's: {workspace.holidays or 'none'}.",
        ),
        context(
            "While your Slack status says you are away (:palm_tree: vacation, :airplane: travelling, "
            ":face_with_thermometer: sick, out of office…), reminders to you wait until it ends; "
            f"after {HOLD_CAP.days} days they come anyway, saying they waited."
        ),
    ]
    return {
        "type": "modal",
        "callback_id": ids.VIEW_REMINDER_SETTINGS,
        "title": plain(TITLE),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": blocks,
    }


def read_reminder_form(values: dict[str, Any]) -> ReminderForm:
    """What was submitted; unknown day values are ignored, missing fields read as empty."""
    options = element_state(values, ids.BLOCK_WORK_DAYS).get("selected_options")
    picked = {o.get("value") for o in options if isinstance(o, dict)} if isinstance(options, list) else set()
    return ReminderForm(
        days=frozenset(n for n in range(7) if str(n) in picked),
        hours=_text(values, ids.BLOCK_WORK_HOURS),
        holidays=_text(values, ids.BLOCK_HOLIDAYS),
    )


FIELD_BLOCKS = {"days": ids.BLOCK_WORK_DAYS, "hours": ids.BLOCK_WORK_HOURS, "holidays": ids.BLOCK_HOLIDAYS}


def reminder_errors(errors: dict[str, str]) -> dict[str, str]:
    """Errors keyed by input block_id, for `ack(response_action="errors", errors=...)`."""
    return {FIELD_BLOCKS.get(field, ids.BLOCK_WORK_DAYS): message[:150] for field, message in errors.items()}


def reminder_saved_view(choices: ReminderChoices) -> View:
    working = choices.working
    holidays = f"public holidays of *{escape(working.holidays)}*" if working.holidays else "no public holidays"
    return {
        "type": "modal",
        "callback_id": ids.VIEW_REMINDER_SETTINGS,
        "title": plain(TITLE),
        "close": plain("Done"),
        "blocks": [
            section(
                f"Saved. Reminders reach you *{format_work_days(working.days)}*, "
                f"*{format_working_hours(working.start, working.end)}* ({escape(working.tz or 'UTC')}), "
                f"with {holidays} off."
            )
        ],
    }


def _day(n: int) -> dict[str, Any]:
    return {"text": plain(DAY_NAMES[n]), "value": str(n)}


def _text(values: dict[str, Any], block_id: str) -> str:
    value = element_state(values, block_id).get("value")
    return value.strip() if isinstance(value, str) else ""
