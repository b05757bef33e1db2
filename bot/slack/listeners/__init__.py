"""Slack listeners: thin module-level functions that read the payload, call a use case, and answer Slack.

Each module lists its listeners in a table per kind (COMMANDS, ACTIONS, VIEW_SUBMISSIONS, VIEW_CLOSED, EVENTS);
`register` adds them all behind one middleware that says who is acting (`context.acting_person`), so every
listener receives `who` and `services` and never sees a modal that was opened for someone else (the workspace
events, which name no one, receive `team_id` instead of `who`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot.slack.listeners import (
    admins,
    asks,
    availability,
    commands,
    conversations,
    events,
    feedback,
    gaps,
    lines,
    links,
    own_data,
    plans,
    reflections,
    shares,
)
from bot.slack.listeners.context import Services, Table, acting_person
from bot.slack.listeners.handoff import after_ack

COMMANDS: Table = [*commands.COMMANDS]
ACTIONS: Table = [
    *plans.ACTIONS,
    *gaps.ACTIONS,
    *lines.ACTIONS,
    *reflections.ACTIONS,
    *conversations.ACTIONS,
    *links.ACTIONS,
    *availability.ACTIONS,
    *feedback.ACTIONS,
    *shares.ACTIONS,
    *asks.ACTIONS,
    *admins.ACTIONS,
]
VIEW_SUBMISSIONS: Table = [
    *plans.VIEW_SUBMISSIONS,
    *gaps.VIEW_SUBMISSIONS,
    *lines.VIEW_SUBMISSIONS,
    *reflections.VIEW_SUBMISSIONS,
    *own_data.VIEW_SUBMISSIONS,
    *conversations.VIEW_SUBMISSIONS,
    *availability.VIEW_SUBMISSIONS,
    *feedback.VIEW_SUBMISSIONS,
    *shares.VIEW_SUBMISSIONS,
    *asks.VIEW_SUBMISSIONS,
]
VIEW_CLOSED: Table = [*plans.VIEW_CLOSED]
EVENTS: Table = [*events.EVENTS]


def register(app: App, services: Services) -> None:
    """Add the middleware and every listener to `app` (built with process_before_response=True: each listener
    answers Slack the moment it acks and works on after, see `handoff`)."""
    # The executor is looked up when used: the one Bolt has then (a test may give it a fresh one).
    app.use(acting_person(services, lambda work: app.listener_runner.listener_executor.submit(work)))
    kinds: list[tuple[Callable[[Any], Callable[[Callable[..., None]], Any]], Table]] = [
        (app.command, COMMANDS),
        (app.action, ACTIONS),
        (app.view_submission, VIEW_SUBMISSIONS),
        (app.view_closed, VIEW_CLOSED),
        (app.event, EVENTS),
    ]
    for listen, table in kinds:
        for matcher, listener in table:
            listen(matcher)(
                after_ack(
                    listener,
                    lambda: app.listener_runner.listener_executor,
                    lambda: app.listener_runner.listener_error_handler,
                    auto_ack=table is EVENTS,  # Bolt acks events itself
                )
            )
