"""Reporting lines (F3): `/careerplan manager|add|team`, Confirm / Decline, sharing, and View plan."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.context import Command, Services


def manager_command(command: Command) -> None:
    command.reply("Coming soon.")


def add_command(command: Command) -> None:
    command.reply("Coming soon.")


def team_command(command: Command) -> None:
    command.reply("Coming soon.")


def register(app: App, services: Services) -> None:
    pass
