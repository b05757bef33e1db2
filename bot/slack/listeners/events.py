"""Events API: App Home, people's profile changes, joiners, and the app uninstalled or its token revoked."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.career.people import InactiveReason
from bot.slack import ids
from bot.slack.blocks.welcome import welcome_message
from bot.slack.leavers import goodbye
from bot.slack.listeners.context import Payload, Services, Table, dm, log, publish_home
from bot.usecases.common import Who

SLACKBOT = "USLACKBOT"


def home_opened(event: Payload, client: WebClient, who: Who, services: Services) -> None:
    if event.get("tab", "home") != "home":
        return
    publish_home(client, services, who)
    if services.welcome:
        _welcome(client, services, who, on_home=True)


def team_joined(event: Payload, client: WebClient, who: Who, services: Services) -> None:
    """Someone joined the workspace: with CAREERPLAN_WELCOME=on, a person (not a bot, not Slackbot, not an
    account deactivated already) gets the welcome DM, once ever. With it off, nothing is stored or sent."""
    user = event.get("user")
    if not services.welcome or not isinstance(user, dict):
        return
    if user.get("is_bot") is True or user.get("deleted") is True or who.user_id == SLACKBOT:
        return
    _welcome(client, services, who, on_home=False)


def _welcome(client: WebClient, services: Services, who: Who, *, on_home: bool) -> None:
    claimed = services.people.welcome(who, on_home=on_home)
    if claimed is None:
        return  # welcomed already (or, on Home, a plan saved already: they know the bot)
    if dm(client, who.user_id, *welcome_message()) is None:
        services.people.welcome_undelivered(who, claimed)
        return
    log.info("welcome sent to %s/%s", who.team_id, who.user_id)


def app_uninstalled(body: Payload, context: BoltContext, services: Services) -> None:
    """The workspace uninstalled the app: its token is dead, so no Slack call now, and none later from the
    sweep, until a reinstall. Its data is kept (`careerplan purge-workspace` erases it)."""
    _stopped(body, context, services, InactiveReason.UNINSTALLED)


def tokens_revoked(event: Payload, body: Payload, context: BoltContext, services: Services) -> None:
    """Tokens were revoked: if the bot's is among them, as an uninstall; people's own tokens alone (careerplan
    holds none) change nothing."""
    tokens = event.get("tokens")
    revoked = tokens.get("bot") if isinstance(tokens, dict) else None
    bots = {user for user in revoked if isinstance(user, str)} if isinstance(revoked, list) else set()
    ours = _bot_users(body, context)
    if bots and (not ours or bots & ours):
        _stopped(body, context, services, InactiveReason.TOKENS_REVOKED)


def _bot_users(body: Payload, context: BoltContext) -> set[str]:
    """The app's bot user in this workspace: Bolt's, when it knows it (not for these events: Bolt skips its
    auth.test for them), else the installation Slack names in the signed payload's `authorizations`."""
    team_id = context.get("team_id")
    found = {context.bot_user_id} if context.bot_user_id else set()
    authorizations: Any = body.get("authorizations")
    for authorization in authorizations if isinstance(authorizations, list) else []:
        if (
            isinstance(authorization, dict)
            and authorization.get("is_bot") is True
            and authorization.get("team_id") in (team_id, None)
            and isinstance(authorization.get("user_id"), str)
        ):
            found.add(authorization["user_id"])
    return found


def _stopped(body: Payload, context: BoltContext, services: Services, reason: InactiveReason) -> None:
    team_id = str(context["team_id"])
    event_id = str(body.get("event_id", ""))[:40]
    if services.workspaces.stopped(team_id, reason):
        log.info("workspace %s inactive: %s (event %s); nothing more is sent there", team_id, reason, event_id)
    else:
        log.info("workspace %s: %s (event %s) changed nothing", team_id, reason, event_id)


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
    (ids.EVENT_TEAM_JOIN, team_joined),
    (ids.EVENT_APP_UNINSTALLED, app_uninstalled),
    (ids.EVENT_TOKENS_REVOKED, tokens_revoked),
]
