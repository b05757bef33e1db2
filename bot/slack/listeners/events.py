"""Events API: App Home, and people's profile changes."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.leavers import goodbye
from bot.slack.listeners.context import Payload, Services, Table, log, publish_home
from bot.usecases.common import Who


def home_opened(event: Payload, client: WebClient, who: Who, services: Services) -> None:
    if event.get("tab", "home") == "home":
        publish_home(client, services, who)


def user_changed(event: Payload, client: WebClient, who: Who, services: Services) -> None:
    """A profile changed (Slack sends this for every member): a known person's new time zone is kept; a person
    deactivated has left, and the lines they were in end."""
    user = event.get("user")
    if not isinstance(user, dict):
        return
    if user.get("deleted") is True:
        goodbye(client, services, who)
        return
    if services.people.came_back(who):
        log.info("%s/%s is active again", who.team_id, who.user_id)
    if services.people.zone_changed(who, user.get("tz")):
        log.info("time zone updated for %s/%s", who.team_id, who.user_id)
    _status_of(user, who, services)


def user_status_changed(event: Payload, who: Who, services: Services) -> None:
    """A person's Slack status changed: if it says they are away (vacation, out of office, sick…), reminders to
    them wait until it ends."""
    user = event.get("user")
    if isinstance(user, dict):
        _status_of(user, who, services)


def _status_of(user: Payload, who: Who, services: Services) -> None:
    profile = user.get("profile")
    if not isinstance(profile, dict):
        return
    kept = services.availability.status_changed(
        who,
        emoji=profile.get("status_emoji"),
        text=profile.get("status_text"),
        expiration=profile.get("status_expiration"),
    )
    if kept:
        log.debug("status read for %s/%s", who.team_id, who.user_id)


EVENTS: Table = [
    (ids.EVENT_APP_HOME_OPENED, home_opened),
    (ids.EVENT_USER_CHANGE, user_changed),
    (ids.EVENT_USER_STATUS_CHANGED, user_status_changed),
]
