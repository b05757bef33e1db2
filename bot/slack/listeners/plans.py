"""The plan wizard's modal: submissions, Back / Add buttons, closing, and Home's Edit button."""

from __future__ import annotations

import re

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.career.plan import WizardPage, page_of
from bot.slack import ids
from bot.slack.blocks.asks import suggested_context
from bot.slack.blocks.plans import MOVES, PAGES, build_page, error_messages, goal_view, saved_view
from bot.slack.blocks.text import Blocks
from bot.slack.listeners.context import (
    Command,
    Payload,
    Services,
    Table,
    for_owner,
    log,
    open_modal,
    publish_bench,
    publish_home,
    state_values,
    trigger_of,
    view_of,
)
from bot.usecases.common import Who
from bot.usecases.plans import Invalid, ShowPage

WIZARD_VIEW = re.compile("^(" + "|".join(re.escape(v) for v in ids.WIZARD_VIEWS) + ")$")
MOVE_ACTIONS = re.compile("^(" + "|".join(re.escape(a) for a in MOVES) + ")$")


def open_wizard(client: WebClient, services: Services, who: Who, trigger_id: str) -> None:
    """Open the wizard on the goal page, filled from the latest plan (the trigger_id lives 3 s)."""
    open_modal(client, who, trigger_id, goal_view(services.plans.new_wizard(who)))


def plan_command(command: Command) -> None:
    """`/careerplan`: open the wizard (ack first; the trigger_id lives 3 s)."""
    if command.trigger_id is None:
        command.reply("Slack sent this command without a trigger, so I can't open your plan. Try again?")
        return
    command.ack()
    open_wizard(command.client, command.services, command.who, command.trigger_id)


def page_submitted(ack: Ack, body: Payload, client: WebClient, who: Who, services: Services) -> None:
    view = view_of(body)
    page = PAGES[view["callback_id"]]  # the listener's matcher only lets the wizard's callback_ids through
    values = state_values(view)
    outcome = services.plans.submit(who, _draft_key(view), page.page, lambda form: page.read(values, form))
    if isinstance(outcome, Invalid):
        elsewhere = [e for e in outcome.errors if page_of(e) is not page.page]
        if elsewhere:
            # Something checked on an earlier page no longer holds: show that page again.
            ack(response_action="update", view=for_owner(build_page(page_of(elsewhere[0]), outcome.form), who))
        else:
            ack(response_action="errors", errors=error_messages(outcome.errors))
    elif isinstance(outcome, ShowPage):
        shown = build_page(outcome.page, outcome.form, _suggested(services, who, outcome.page))
        ack(response_action="update", view=for_owner(shown, who))
    else:
        line, viewers = services.lines.manager_line(who), services.lines.viewers(who)
        ack(response_action="update", view=for_owner(saved_view(outcome.saved, line, outcome.today, viewers), who))
        log.info("plan saved for %s/%s (version %d)", who.team_id, who.user_id, outcome.saved.version)
        publish_home(client, services, who)
        publish_bench(client, services, line)


def moved(ack: Ack, body: Payload, action: Payload, client: WebClient, who: Who, services: Services) -> None:
    ack()
    view = view_of(body)
    callback_id, view_id = view.get("callback_id"), view.get("id")
    page = PAGES.get(callback_id) if isinstance(callback_id, str) else None
    move = MOVES.get(action.get("action_id", ""))
    if page is None or move is None or not isinstance(view_id, str):
        return
    values = state_values(view)
    shown = services.plans.move(who, _draft_key(view), page.page, lambda form: page.read(values, form), move)
    try:
        client.views_update(
            view_id=view_id,
            hash=view.get("hash"),
            view=for_owner(build_page(shown.page, shown.form, _suggested(services, who, shown.page)), who),
        )
    except SlackApiError as exc:
        # hash_conflict: the view changed meanwhile (a double click); the draft is saved either way.
        log.info("views.update skipped for %s/%s: %s", who.team_id, who.user_id, exc.response.get("error"))


def closed(ack: Ack, body: Payload, who: Who, services: Services) -> None:
    ack()
    services.plans.discard_draft(who, _draft_key(view_of(body)))


def edit_clicked(ack: Ack, body: Payload, client: WebClient, who: Who, services: Services) -> None:
    ack()
    trigger_id = trigger_of(body)
    if trigger_id is not None:
        open_wizard(client, services, who, trigger_id)


def _suggested(services: Services, who: Who, page: WizardPage) -> Blocks:
    """On the gaps page, the gaps people the person asked suggested (the latest few), to type or reorder."""
    return suggested_context(services.asks.suggestions(who, limit=3)) if page is WizardPage.GAPS else []


def _draft_key(view: Payload) -> str:
    """The wizard's drafts are keyed by the modal's root view, which stays put across updates."""
    for key in ("root_view_id", "id"):
        value = view.get(key)
        if isinstance(value, str) and value:
            return value[:64]
    return "unknown"


ACTIONS: Table = [(MOVE_ACTIONS, moved), (ids.ACTION_EDIT_PLAN, edit_clicked)]
VIEW_SUBMISSIONS: Table = [(WIZARD_VIEW, page_submitted)]
VIEW_CLOSED: Table = [(WIZARD_VIEW, closed)]
