"""Reminder settings, as a person changes them from Home over signed HTTP: the modal shows their working time,
keeps what they choose, and says on the field what it cannot use."""

from __future__ import annotations

from typing import Any

from bot.slack import ids
from storage import people
from tests.fakeslack import TEAM_ID
from tests.slackbot import EMPLOYEE, Bot, Modal, calls, text
from tests.slackhttp import block_action


def open_settings(bot: Bot, user: str = EMPLOYEE) -> Modal:
    before = calls(bot, "views.open")
    payload = block_action({"action_id": ids.ACTION_REMINDER_SETTINGS}, container="home", user_id=user)
    assert bot.send.interactive(payload).status == 200
    call = bot.slack.wait_for("views.open", before + 1)[-1]
    return Modal(bot, call.params["view"], f"VSETTINGS{before + 1}", user)


def days(*numbers: int) -> dict[str, Any]:
    return {"selected_options": [{"text": {"type": "plain_text", "text": "d"}, "value": str(n)} for n in numbers]}


def stored(bot: Bot, user: str = EMPLOYEE) -> people.ReminderSettings:
    with bot.db.session() as session:
        person = people.find_person_id(session, TEAM_ID, user)
        assert person is not None
        return people.reminder_settings(session, person)


def test_home_has_the_button_and_the_modal_shows_the_workspace_defaults(bot: Bot) -> None:
    modal = open_settings(bot)
    assert modal.view["callback_id"] == ids.VIEW_REMINDER_SETTINGS
    shown = {block.get("block_id"): block for block in modal.view["blocks"]}
    checked = [o["value"] for o in shown[ids.BLOCK_WORK_DAYS]["element"]["initial_options"]]
    assert checked == ["0", "1", "2", "3", "4"]
    assert shown[ids.BLOCK_WORK_HOURS]["element"]["initial_value"] == "09:00-17:00"
    assert "initial_value" not in shown[ids.BLOCK_HOLIDAYS]["element"]


def test_a_sunday_to_thursday_week_and_a_holiday_calendar_are_kept_and_shown_next_time(bot: Bot) -> None:
    modal = open_settings(bot)
    result = modal.submit(
        {
            ids.BLOCK_WORK_DAYS: days(6, 0, 1, 2, 3),
            ids.BLOCK_WORK_HOURS: text("08:30 - 16:30"),
            ids.BLOCK_HOLIDAYS: text("de-by"),
        }
    )
    answer = result.json()
    assert answer["response_action"] == "update"
    assert "*Sun-Thu*, *08:30-16:30*" in str(answer["view"]) and "*DE-BY*" in str(answer["view"])
    assert stored(bot) == people.ReminderSettings(work_days="Sun-Thu", work_hours="08:30-16:30", holidays="DE-BY")
    again = open_settings(bot)
    shown = {block.get("block_id"): block for block in again.view["blocks"]}
    assert [o["value"] for o in shown[ids.BLOCK_WORK_DAYS]["element"]["initial_options"]] == ["0", "1", "2", "3", "6"]
    assert shown[ids.BLOCK_HOLIDAYS]["element"]["initial_value"] == "DE-BY"


def test_choices_equal_to_the_workspace_follow_the_workspace(bot: Bot) -> None:
    open_settings(bot).submit({ids.BLOCK_WORK_DAYS: days(0, 1, 2, 3, 4), ids.BLOCK_HOLIDAYS: text("none")})
    assert stored(bot) == people.ReminderSettings()  # nothing of their own: a workspace change reaches them


def test_what_cannot_be_used_is_said_on_its_field_and_nothing_is_kept(bot: Bot) -> None:
    modal = open_settings(bot)
    result = modal.submit(
        {ids.BLOCK_WORK_DAYS: days(), ids.BLOCK_WORK_HOURS: text("17:00-09:00"), ids.BLOCK_HOLIDAYS: text("XX-YY")}
    )
    answer = result.json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {ids.BLOCK_WORK_DAYS, ids.BLOCK_WORK_HOURS, ids.BLOCK_HOLIDAYS}
    assert "at least one working day" in answer["errors"][ids.BLOCK_WORK_DAYS]
    with bot.db.session() as session:
        person = people.find_person_id(session, TEAM_ID, EMPLOYEE)
        assert person is None or people.reminder_settings(session, person) == people.ReminderSettings()


def test_tampered_day_values_are_ignored(bot: Bot) -> None:
    modal = open_settings(bot)
    tampered = {"selected_options": [{"value": "9"}, {"value": "<script>"}, "junk", {"value": "2"}]}
    modal.submit({ids.BLOCK_WORK_DAYS: tampered})
    assert stored(bot).work_days == "Wed"
