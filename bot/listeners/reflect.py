"""The reflection modal (F2): `/careerplan reflect`, Home's Reflect button, and its submission."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.context import Command, Services


def reflect_command(command: Command) -> None:
    command.reply("Reflections are coming soon.")


def register(app: App, services: Services) -> None:
    pass
