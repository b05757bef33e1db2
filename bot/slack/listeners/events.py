"""Events API: App Home."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.listeners.context import Payload, Services, Table, publish_home
from bot.usecases.common import Who


def home_opened(event: Payload, client: WebClient, who: Who, services: Services) -> None:
    if event.get("tab", "home") == "home":
        publish_home(client, services, who)


EVENTS: Table = [(ids.EVENT_APP_HOME_OPENED, home_opened)]
