"""Events API: App Home, and people's profile changes."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.blocks.lines import left_note
from bot.slack.listeners.context import Payload, Services, Table, dm, log, publish_home
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
        _left(client, who, services)
    elif services.people.zone_changed(who, user.get("tz")):
        log.info("time zone updated for %s/%s", who.team_id, who.user_id)


def _left(client: WebClient, who: Who, services: Services) -> None:
    """Each line the leaver was in has ended: its other person hears it once, and sees it on Home."""
    others: list[str] = []
    for line in services.people.left(who):
        other = line.manager if line.report == who.user_id else line.report
        log.info("line %d ended: %s/%s left", line.id, who.team_id, who.user_id)
        dm(client, other, left_note(line, who.user_id))
        others.append(other)
    for other in dict.fromkeys(others):  # one Home each, however many lines they shared with the leaver
        publish_home(client, services, Who(team_id=who.team_id, user_id=other))


EVENTS: Table = [(ids.EVENT_APP_HOME_OPENED, home_opened), (ids.EVENT_USER_CHANGE, user_changed)]
