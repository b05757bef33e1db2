"""Reminder settings: a person's own working days, hours and public holidays (a modal from Home)."""

from __future__ import annotations

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.blocks.availability import (
    read_reminder_form,
    reminder_errors,
    reminder_saved_view,
    reminder_settings_view,
)
from bot.slack.listeners.context import Payload, Services, Table, log, open_modal, state_values, trigger_of, view_of
from bot.usecases.common import Who


def settings_clicked(ack: Ack, body: Payload, client: WebClient, who: Who, services: Services) -> None:
    ack()
    trigger_id = trigger_of(body)
    if trigger_id is not None:
        open_modal(client, who, trigger_id, reminder_settings_view(services.availability.choices(who)))


def settings_submitted(ack: Ack, body: Payload, who: Who, services: Services) -> None:
    saved = services.availability.save(who, read_reminder_form(state_values(view_of(body))))
    if isinstance(saved, dict):
        ack(response_action="errors", errors=reminder_errors(saved))
        return
    ack(response_action="update", view=reminder_saved_view(services.availability.choices(who)))
    log.info("reminder settings saved for %s/%s", who.team_id, who.user_id)


ACTIONS: Table = [(ids.ACTION_REMINDER_SETTINGS, settings_clicked)]
VIEW_SUBMISSIONS: Table = [(ids.VIEW_REMINDER_SETTINGS, settings_submitted)]
