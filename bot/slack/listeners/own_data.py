"""F7: `/careerplan export` (a Markdown file in the person's DM) and `/careerplan delete` (with its confirmation)."""

from __future__ import annotations

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.blocks.own_data import delete_confirm_view, deleted_view
from bot.slack.listeners.context import (
    Command,
    Services,
    Table,
    dm,
    log,
    open_modal,
    publish_bench,
    publish_home,
    upload_to_dm,
)
from bot.usecases.common import Who

EXPORT_ACK = "I'm sending your export to our DM: a Markdown file with your plan, its history and your reflections."
EXPORT_COMMENT = (
    "Here is everything you have saved, exactly as you wrote it: your plan, its history and your reflections."
)
EXPORT_FAILED = (
    f"Sorry, Slack did not take your export file, so I could not send it. Please try `{ids.COMMAND} export` "
    "again in a minute; if it keeps failing, ask your Slack admin to check the app's permissions."
)
DELETE_NOT_OPENED = (
    f"Sorry, I could not open the confirmation, so nothing was deleted. Try `{ids.COMMAND} delete` again."
)


def export_command(command: Command) -> None:
    """Ack at once (three Slack calls may outlast the 3 s Slack waits), then send the file to the DM."""
    command.reply(EXPORT_ACK)
    send_export(command.client, command.services, command.who)


def send_export(client: WebClient, services: Services, who: Who) -> None:
    export = services.own_data.export(who)
    file_id = upload_to_dm(
        client,
        who,
        what="export",
        content=export.markdown,
        filename=export.filename,
        title=f"Career plan export, {export.exported_on.isoformat()}",
        comment=EXPORT_COMMENT,
    )
    if file_id is None:
        dm(client, who.user_id, EXPORT_FAILED)
        return
    log.info("export sent to %s/%s (file %s)", who.team_id, who.user_id, file_id or None)


def delete_command(command: Command) -> None:
    """Ack, then open the confirmation right away (the trigger_id lives 3 s); nothing is deleted yet."""
    if command.trigger_id is None:
        command.reply("Slack sent this command without a trigger, so I can't ask you to confirm. Try again?")
        return
    command.ack()
    if not open_modal(command.client, command.who, command.trigger_id, delete_confirm_view()):
        dm(command.client, command.who.user_id, DELETE_NOT_OPENED)


def delete_confirmed(ack: Ack, client: WebClient, who: Who, services: Services) -> None:
    """Only the person the modal was opened for gets here (the middleware re-checks it on the server)."""
    line_before = services.lines.manager_line(who)  # as it was: the erase stops sharing
    counts = services.own_data.erase(who)
    ack(response_action="update", view=deleted_view(counts))
    log.info("answers erased for %s/%s: %s", who.team_id, who.user_id, counts)
    publish_home(client, services, who)
    publish_bench(client, services, line_before)


VIEW_SUBMISSIONS: Table = [(ids.VIEW_DELETE, delete_confirmed)]
