"""F7: `/careerplan export` and `/careerplan delete` (with its confirmation modal)."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.context import Command, Services


def export_command(command: Command) -> None:
    command.reply("Export is coming soon.")


def delete_command(command: Command) -> None:
    command.reply("Delete is coming soon.")


def register(app: App, services: Services) -> None:
    pass
