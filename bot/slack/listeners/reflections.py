"""The reflection modal (F2): `/careerplan reflect`, Home's Reflect button, and its submission."""

from __future__ import annotations

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.blocks.reflections import read_reflection, reflect_view, reflection_errors, saved_view
from bot.slack.listeners.context import (
    Command,
    Payload,
    Services,
    Table,
    log,
    open_modal,
    publish_bench,
    publish_home,
    state_values,
    trigger_of,
    view_of,
)
from bot.usecases.common import Who


def open_reflection(client: WebClient, services: Services, who: Who, trigger_id: str) -> None:
    """Open the prompts, filled with the latest answers, marked as `who`'s (the trigger_id lives 3 s)."""
    open_modal(client, who, trigger_id, reflect_view(services.reflections.start(who)))


def reflect_command(command: Command) -> None:
    """`/careerplan reflect`: open the curiosity/why prompts (ack first; the trigger_id lives 3 s)."""
    if not command.trigger_id:
        command.reply(
            "Slack sent this command without a trigger, so I can't open the prompts. "
            f"Try `{ids.COMMAND} {ids.SUB_REFLECT}` again?"
        )
        return
    command.ack()
    open_reflection(command.client, command.services, command.who, command.trigger_id)


def reflect_clicked(ack: Ack, body: Payload, client: WebClient, who: Who, services: Services) -> None:
    ack()
    trigger_id = trigger_of(body)
    if trigger_id is not None:
        open_reflection(client, services, who, trigger_id)


def submitted(ack: Ack, body: Payload, client: WebClient, who: Who, services: Services) -> None:
    outcome = services.reflections.save(who, read_reflection(state_values(view_of(body))))
    if isinstance(outcome, list):
        ack(response_action="errors", errors=reflection_errors(outcome))
        return
    ack(response_action="update", view=saved_view(outcome))
    log.info("reflection saved for %s/%s", who.team_id, who.user_id)
    publish_home(client, services, who)
    publish_bench(client, services, services.lines.manager_line(who))


ACTIONS: Table = [(ids.ACTION_REFLECT, reflect_clicked)]
VIEW_SUBMISSIONS: Table = [(ids.VIEW_REFLECT, submitted)]
