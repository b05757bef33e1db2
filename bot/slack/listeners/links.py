"""Url buttons (a reminder's Add to calendar links): the browser opens the link, and Slack still sends the app a
block_actions payload for the click. It is acknowledged, so Slack shows no error, and changes nothing."""

from __future__ import annotations

from slack_bolt import Ack

from bot.slack import ids
from bot.slack.listeners.context import Table


def link_clicked(ack: Ack) -> None:
    ack()


ACTIONS: Table = [(ids.ACTION_CALENDAR_GOOGLE, link_clicked), (ids.ACTION_CALENDAR_OUTLOOK, link_clicked)]
