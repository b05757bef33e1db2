"""The plan wizard's modal: submissions, Back / Add buttons, closing, and Home's Edit button."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import ids
from bot.slack.blocks.plans import PAGES, TITLE, build_page, error_messages, goal_view, page_of, saved_view
from bot.slack.listeners.context import (
    Command,
    Services,
    for_owner,
    log,
    not_yours_view,
    open_modal,
    owned_by,
    publish_home,
    state_values,
    view_of,
    who_from,
)
from bot.usecases.common import Who
from bot.usecases.plans import Invalid, ShowPage

WIZARD_VIEW = re.compile("^(" + "|".join(re.escape(v) for v in ids.WIZARD_VIEWS) + ")$")
MOVES = re.compile(
    "^(" + "|".join(re.escape(a) for a in (ids.ACTION_BACK, ids.ACTION_ADD_STEP, ids.ACTION_ADD_GAP)) + ")$"
)


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


def register(app: App, services: Services) -> None:
    @app.view_submission(WIZARD_VIEW)
    def submitted(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        who, view = who_from(body), view_of(body)
        page = view.get("callback_id")
        if who is None or page not in PAGES:
            ack(response_action="update", view=_problem_view())
            return
        if not owned_by(view, who):
            ack(response_action="update", view=not_yours_view(TITLE))
            return
        values = state_values(view)
        outcome = services.plans.submit(who, _root_id(view), page, lambda form: PAGES[page].read(values, form))
        if isinstance(outcome, Invalid):
            elsewhere = [e for e in outcome.errors if page_of(e) != page]
            if elsewhere:
                # Something checked on an earlier page no longer holds: show that page again.
                ack(response_action="update", view=for_owner(build_page(page_of(elsewhere[0]), outcome.form), who))
            else:
                ack(response_action="errors", errors=error_messages(outcome.errors))
        elif isinstance(outcome, ShowPage):
            ack(response_action="update", view=for_owner(build_page(outcome.callback_id, outcome.form), who))
        else:
            line = services.lines.manager_line(who)
            ack(response_action="update", view=for_owner(saved_view(outcome.saved, line), who))
            log.info("plan saved for %s/%s (version %d)", who.team_id, who.user_id, outcome.saved.version)
            publish_home(client, services, who)

    @app.action(MOVES)
    def moved(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        who, view = who_from(body), view_of(body)
        page = view.get("callback_id")
        view_id = view.get("id")
        if who is None or page not in PAGES or not isinstance(view_id, str) or not owned_by(view, who):
            return
        values = state_values(view)
        shown = services.plans.move(
            who, _root_id(view), page, lambda form: PAGES[page].read(values, form), action.get("action_id", "")
        )
        try:
            client.views_update(
                view_id=view_id, hash=view.get("hash"), view=for_owner(build_page(shown.callback_id, shown.form), who)
            )
        except SlackApiError as exc:
            # hash_conflict: the view changed meanwhile (a double click); the draft is saved either way.
            log.info("views.update skipped for %s/%s: %s", who.team_id, who.user_id, exc.response.get("error"))

    @app.view_closed(WIZARD_VIEW)
    def closed(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        who = who_from(body)
        if who is not None and owned_by(view_of(body), who):
            services.plans.discard_draft(who, _root_id(view_of(body)))

    @app.action(ids.ACTION_EDIT_PLAN)
    def edit_plan(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        who, trigger_id = who_from(body), body.get("trigger_id")
        if who is not None and isinstance(trigger_id, str):
            open_wizard(client, services, who, trigger_id)


def _root_id(view: dict[str, Any]) -> str:
    """The wizard's drafts are keyed by the modal's root view, which stays put across updates."""
    for key in ("root_view_id", "id"):
        value = view.get(key)
        if isinstance(value, str) and value:
            return value[:64]
    return "unknown"


def _problem_view() -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Your career plan"},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "Slack sent this form without saying who you are, so nothing was saved. "
                    f"Please open it again with `{ids.COMMAND}`.",
                },
            }
        ],
    }
