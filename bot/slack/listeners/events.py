"""Events API: App Home, and people's profile changes."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.listeners.context import Payload, Services, Table, log, publish_home
from bot.usecases.common import Who


def home_opened(event: Payload, client: WebClient, who: Who, services: Services) -> None:
    if event.get("tab", "home") == "home":
        publish_home(client, services, who)


def user_changed(event: Payload, who: Who, services: Services) -> None:
    """A profile changed (Slack sends this for every member): keep a known person's new time zone."""
    user = event.get("user")
    if isinstance(user, dict) and services.people.zone_changed(who, user.get("tz")):
        log.info("time zone updated for %s/%s", who.team_id, who.user_id)


EVENTS: Table = [(ids.EVENT_APP_HOME_OPENED, home_opened), (ids.EVENT_USER_CHANGE, user_changed)]
