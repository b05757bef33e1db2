"""/careerplan and its subcommands."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import ids
from bot.blocks import help as help_text
from bot.listeners.context import Services, who_from
from bot.listeners.wizard import open_wizard

OPEN_PLAN = {"", "plan", "edit"}


def register(app: App, services: Services) -> None:
    @app.command(ids.COMMAND)
    def careerplan(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        text = body.get("text")
        words = text.split() if isinstance(text, str) else []
        subcommand = words[0].lower() if words else ""
        if subcommand == "help":
            ack(text=help_text.usage(), response_type="ephemeral")
            return
        if subcommand not in OPEN_PLAN:
            ack(text=help_text.usage(unknown=words[0]), response_type="ephemeral")
            return
        who = who_from(body)
        trigger_id = body.get("trigger_id")
        if who is None or not isinstance(trigger_id, str):
            ack(
                text="Slack sent this command without saying who you are, so I can't open your plan. Try again?",
                response_type="ephemeral",
            )
            return
        ack()
        open_wizard(client, services, who, trigger_id)
