"""Sharing one's plan with named people: `/careerplan share|unshare @name`, and Home's Share with someone and
Stop sharing. The viewer opens the plan with View plan (bot.slack.listeners.lines), re-checked at every click."""

from __future__ import annotations

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.career.sharing import Share
from bot.slack import ids
from bot.slack.blocks import sharing as blocks
from bot.slack.listeners.context import (
    Command,
    Payload,
    Services,
    Table,
    dm,
    for_owner,
    log,
    notice_view,
    open_modal,
    publish_home,
    state_values,
    trigger_of,
    unless_refused,
    view_of,
)
from bot.slack.listeners.lines import named_person, why_not_a_person
from bot.usecases.common import Refused, Who

SHARE_ROLE = "shown a plan"


def share_command(command: Command) -> None:
    """`/careerplan share @name`: answered privately; the person named gets a DM with View plan."""
    viewer = named_person(command.args)
    if viewer is None:
        command.reply(f"Name the person with an @-mention, like `{ids.COMMAND} {ids.SUB_SHARE} @Ana`.")
        return
    not_a_person = why_not_a_person(command.client, viewer, command.bot_user_id, SHARE_ROLE)
    if not_a_person is not None:
        command.reply(not_a_person)
        return
    outcome = command.services.lines.share_with(command.who, viewer)
    if isinstance(outcome, Refused):
        command.reply(outcome.message)
        return
    command.reply(blocks.shared_note(outcome))
    _after_sharing(command.client, command.services, command.who, outcome)


def unshare_command(command: Command) -> None:
    """`/careerplan unshare @name`: the person named loses access at once, and is not told."""
    viewer = named_person(command.args)
    if viewer is None:
        command.reply(f"Name the person with an @-mention, like `{ids.COMMAND} {ids.SUB_UNSHARE} @Ana`.")
        return
    outcome = command.services.lines.stop_sharing_with(command.who, viewer)
    if isinstance(outcome, Refused):
        command.reply(outcome.message)
        return
    command.reply(blocks.stopped_note(outcome))
    log.info("share %d stopped by %s/%s", outcome.id, command.who.team_id, command.who.user_id)
    publish_home(command.client, command.services, command.who)


def share_with_clicked(ack: Ack, body: Payload, client: WebClient, who: Who) -> None:
    """Home's Share with someone: a modal to choose them."""
    ack()
    trigger_id = trigger_of(body)
    if trigger_id is not None:
        open_modal(client, who, trigger_id, blocks.share_with_view())


def share_with_submitted(
    ack: Ack, body: Payload, client: WebClient, context: BoltContext, who: Who, services: Services
) -> None:
    """The person chosen: the same checks as `/careerplan share @name`, their refusals shown on the field."""
    viewer = blocks.chosen_viewer(state_values(view_of(body)))
    if viewer is None:
        ack(response_action="errors", errors={ids.BLOCK_SHARE_WITH: "Choose someone to share your plan with."})
        return
    not_a_person = why_not_a_person(client, viewer, context.bot_user_id, SHARE_ROLE)
    if not_a_person is not None:
        ack(response_action="errors", errors={ids.BLOCK_SHARE_WITH: not_a_person})
        return
    outcome = services.lines.share_with(who, viewer)
    if isinstance(outcome, Refused):
        ack(response_action="errors", errors={ids.BLOCK_SHARE_WITH: outcome.message})
        return
    done = notice_view(blocks.SHARE_WITH_TITLE, blocks.shared_note(outcome))
    ack(response_action="update", view=for_owner(done, who))
    _after_sharing(client, services, who, outcome)


def stop_sharing_with_clicked(
    ack: Ack, body: Payload, action: Payload, client: WebClient, who: Who, services: Services
) -> None:
    """Home's Stop sharing next to a viewer: only the clicker's own share stops (the value names the viewer)."""
    ack()
    outcome = unless_refused(client, body, who, services.lines.stop_sharing_with(who, action.get("value")))
    if outcome is None:
        return
    log.info("share %d stopped by %s/%s", outcome.id, who.team_id, who.user_id)
    publish_home(client, services, who)


def _after_sharing(client: WebClient, services: Services, who: Who, share: Share) -> None:
    """DM the viewer their View plan button; if Slack cannot reach them, stop the share and say so."""
    log.info("share %d made by %s/%s", share.id, who.team_id, who.user_id)
    if dm(client, share.viewer, *blocks.shared_with_you_message(share)) is None:
        services.lines.stop_sharing_with(who, share.viewer)
        dm(client, who.user_id, f"I couldn't message <@{share.viewer}>, so I stopped sharing your plan with them.")
    publish_home(client, services, who)


ACTIONS: Table = [
    (ids.ACTION_SHARE_WITH, share_with_clicked),
    (ids.ACTION_STOP_SHARING_WITH, stop_sharing_with_clicked),
]
VIEW_SUBMISSIONS: Table = [(ids.VIEW_SHARE_WITH, share_with_submitted)]
