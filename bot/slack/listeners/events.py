"""Events API: App Home."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.listeners.context import Services, publish_home
from bot.usecases.common import Who


def register(app: App, services: Services) -> None:
    @app.event(ids.EVENT_APP_HOME_OPENED)
    def home_opened(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        user, team = event.get("user"), body.get("team_id")
        if event.get("tab", "home") != "home" or not isinstance(user, str) or not isinstance(team, str):
            return
        publish_home(client, services, Who(team_id=team, user_id=user))
