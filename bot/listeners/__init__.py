"""Slack listeners: thin functions that read the payload, call a use case, and answer Slack."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import commands, events, wizard
from bot.listeners.context import Services


def register(app: App, services: Services) -> None:
    commands.register(app, services)
    wizard.register(app, services)
    events.register(app, services)
