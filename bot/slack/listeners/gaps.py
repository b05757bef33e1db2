"""One gap at a time, on the owner's Home: Closed it (a modal asks how, optionally) and Reopen.

The buttons name the plan version Home showed; the use case re-checks it against the clicker's own latest plan,
so a stale Home, a forwarded payload or a tampered value is refused with a private note and changes nothing.
"""

from __future__ import annotations

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.blocks.gaps import CLOSE_TITLE, close_gap_view, closed_view, read_closed_note
from bot.slack.listeners.context import (
    Payload,
    Services,
    Table,
    log,
    notice_view,
    open_modal,
    publish_bench,
    publish_home,
    state_values,
    subject_of,
    trigger_of,
    unless_refused,
    view_of,
)
from bot.usecases.common import Refused, Who
from bot.usecases.plans import NoteTooLong


def close_clicked(ack: Ack, body: Payload, action: Payload, client: WebClient, who: Who, services: Services) -> None:
    ack()
    trigger_id = trigger_of(body)
    if trigger_id is None:
        return
    closing = unless_refused(client, body, who, services.plans.closing(who, action.get("value")))
    if closing is not None:
        open_modal(client, who, trigger_id, close_gap_view(closing.gap), subject=str(closing.version_id))


def close_submitted(ack: Ack, body: Payload, client: WebClient, who: Who, services: Services) -> None:
    view = view_of(body)
    outcome = services.plans.close_gap(who, subject_of(view), read_closed_note(state_values(view)))
    if isinstance(outcome, NoteTooLong):
        ack(response_action="errors", errors={ids.BLOCK_CLOSED_NOTE: outcome.message})
    elif isinstance(outcome, Refused):
        ack(response_action="update", view=notice_view(CLOSE_TITLE, outcome.message))
    else:
        ack(response_action="update", view=closed_view(outcome.saved))
        log.info("focus gap closed by %s/%s (version %d)", who.team_id, who.user_id, outcome.saved.version)
        publish_home(client, services, who)
        publish_bench(client, services, services.lines.manager_line(who))


def reopen_clicked(ack: Ack, body: Payload, action: Payload, client: WebClient, who: Who, services: Services) -> None:
    ack()
    outcome = unless_refused(client, body, who, services.plans.reopen_gap(who, action.get("value")))
    if outcome is not None:
        log.info("closed gap reopened by %s/%s (version %d)", who.team_id, who.user_id, outcome.saved.version)
        publish_home(client, services, who)
        publish_bench(client, services, services.lines.manager_line(who))


ACTIONS: Table = [(ids.ACTION_CLOSE_GAP, close_clicked), (ids.ACTION_REOPEN_GAP, reopen_clicked)]
VIEW_SUBMISSIONS: Table = [(ids.VIEW_CLOSE_GAP, close_submitted)]
