"""Slack listeners: thin functions that read the payload, call a use case, and answer Slack."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners import commands, conversations, events, lines, own_data, plans, reflections
from bot.slack.listeners.context import Services


def register(app: App, services: Services) -> None:
    commands.register(app, services)
    plans.register(app, services)
    events.register(app, services)
    lines.register(app, services)
    reflections.register(app, services)
    own_data.register(app, services)
    conversations.register(app, services)
