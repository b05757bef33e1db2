"""/careerplan and its subcommands: read who is asking, hand the rest to the subcommand's handler."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.blocks import help as help_text
from bot.slack.listeners import asks, conversations, lines, own_data, reflections, shares
from bot.slack.listeners.context import Command, Payload, Services, Table
from bot.slack.listeners.plans import plan_command
from bot.usecases.common import Who

HANDLERS: dict[str, Callable[[Command], None]] = {
    "": plan_command,
    "plan": plan_command,
    "edit": plan_command,
    ids.SUB_MANAGER: lines.manager_command,
    ids.SUB_ADD: lines.add_command,
    ids.SUB_TEAM: lines.team_command,
    ids.SUB_REFLECT: reflections.reflect_command,
    ids.SUB_EXPORT: own_data.export_command,
    ids.SUB_DELETE: own_data.delete_command,
    ids.SUB_LOG: conversations.log_command,
    ids.SUB_SHARE: shares.share_command,
    ids.SUB_UNSHARE: shares.unshare_command,
    ids.SUB_ASK: asks.ask_command,
}


def careerplan(ack: Ack, body: Payload, client: WebClient, context: BoltContext, who: Who, services: Services) -> None:
    text = body.get("text")
    words = text.split() if isinstance(text, str) else []
    subcommand = words[0].lower() if words else ""
    if subcommand == ids.SUB_HELP:
        ack(text=help_text.usage(), response_type="ephemeral")
        return
    handler = HANDLERS.get(subcommand)
    if handler is None:
        ack(text=help_text.usage(unknown=words[0]), response_type="ephemeral")
        return
    trigger_id = body.get("trigger_id")
    trigger = trigger_id if isinstance(trigger_id, str) else None
    handler(Command(ack, client, services, who, trigger, words[1:], bot_user_id=context.bot_user_id))


COMMANDS: Table = [(ids.COMMAND, careerplan)]
