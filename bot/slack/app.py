"""create_app(settings): the Bolt app, with every listener registered. No globals, no import side effects."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_sdk import WebClient

from bot.metrics import REQUEST_KINDS, Metrics
from bot.settings import Settings
from bot.slack.client import build_web_client
from bot.slack.listeners import register
from bot.slack.listeners.context import Services, tell_failure
from bot.usecases.admins import Admins
from bot.usecases.asks import Asks
from bot.usecases.availability import Availability
from bot.usecases.common import Clock, utc_now
from bot.usecases.conversations import Conversations
from bot.usecases.feedback import Feedback
from bot.usecases.lines import Lines
from bot.usecases.own_data import OwnData
from bot.usecases.people import People
from bot.usecases.plans import Plans
from bot.usecases.reflections import Reflections
from bot.usecases.requests import Requests
from bot.usecases.workspaces import Workspaces
from storage.db import Database, hide_values, is_unavailable

log = logging.getLogger("careerplan")


def create_app(
    settings: Settings,
    db: Database,
    *,
    clock: Clock = utc_now,
    client: WebClient | None = None,
    metrics: Metrics | None = None,
    listener_executor: Executor | None = None,
) -> App:
    """Build the app. Bolt checks the bot token with auth.test here (raising BoltError if Slack refuses it).

    `metrics` counts the requests Bolt takes (once their signature is checked, over HTTP or Socket Mode) and the
    listeners that fail; the servers that show them get the same one (careerplan run passes one to both).
    `listener_executor` runs the listeners' work after their ack (default: Bolt's own pool); `careerplan demo`
    passes one that can tell when that work is done."""
    counts = metrics if metrics is not None else Metrics()
    bolt_logger = logging.getLogger("slack_bolt")
    bolt_logger.addFilter(_same_token_notice)
    app = App(
        client=client or build_web_client(settings),
        signing_secret=settings.signing_secret,
        # Bolt answers as soon as a listener acks (no 10 ms poll for it); each listener's work after its ack goes
        # on on Bolt's listener executor (bot.slack.listeners.handoff), so Slack's 3 s never wait on it.
        process_before_response=True,
        logger=bolt_logger,
        listener_executor=listener_executor,
    )

    @app.use
    def count_request(body: dict[str, Any], next_: Callable[[], BoltResponse]) -> BoltResponse:
        # Global middleware run after Bolt's own (signature, url_verification, the bot's own events): Slack sent it.
        counts.request(request_kind(body))
        return next_()

    register(app, build_services(db, settings, clock))

    @app.error
    def on_error(
        error: Exception, body: dict[str, Any], client: WebClient | None, context: BoltContext
    ) -> BoltResponse | None:
        if context.authorize_result is None:
            # It failed before Slack's signature was checked (Bolt raises on a malformed timestamp header):
            # nothing says Slack sent it, so it is refused, and no one named in it is told anything.
            log.warning("request refused: its signature could not be checked (%s)", type(error).__name__)
            return BoltResponse(status=401, body="")
        hide_values(error)  # ids only: answers never reach the logs
        kind = body.get("type") or body.get("command")
        user = body.get("user_id") or (body.get("user") or {}).get("id")
        log.error("listener failed for %s from %s: %r", kind, user, error, exc_info=error)
        counts.listener_failed(request_kind(body), database_unavailable=is_unavailable(error))
        tell_failure(client, body, database_unreachable=is_unavailable(error))
        return None

    return app


def request_kind(body: Mapping[str, Any]) -> str:
    """What Slack sent, in one of bot.metrics.REQUEST_KINDS' words: "command" for a slash command, else the
    payload's type (block_actions, view_submission, view_closed, event_callback), else "other"."""
    if "command" in body:
        return "command"
    kind = body.get("type")
    return kind if isinstance(kind, str) and kind in REQUEST_KINDS else "other"


def build_services(db: Database, settings: Settings, clock: Clock = utc_now) -> Services:
    """The use cases, as the listeners (and the sweep, telling people who was left behind) use them."""
    return Services(
        plans=Plans(db, clock),
        lines=Lines(db, settings.cadence_months, clock),
        reflections=Reflections(db, clock),
        own_data=OwnData(db, clock),
        conversations=Conversations(db, settings.cadence_months, settings.lead_days, clock),
        people=People(db, clock),
        availability=Availability(db, settings, clock),
        workspaces=Workspaces(db, clock),
        requests=Requests(db, clock),
        feedback=Feedback(db, clock),
        asks=Asks(db, clock),
        admins=Admins(db, settings.admins, clock),
        welcome=settings.welcome,
    )


def _same_token_notice(record: logging.LogRecord) -> bool:
    """Bolt also reads SLACK_BOT_TOKEN from the environment and warns that our client's (the same) wins."""
    return "`token` will be unused" not in record.getMessage()
