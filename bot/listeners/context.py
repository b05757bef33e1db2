"""What listeners share: the use cases, and reading who is acting from Slack's payload."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.home import home_view
from bot.plans import Plans, Who

log = logging.getLogger("careerplan")


@dataclass(frozen=True)
class Services:
    plans: Plans


def who_from(body: dict[str, Any]) -> Who | None:
    """The acting user and their workspace, from the fields Slack sets (payloads differ by kind)."""
    user = body.get("user")
    user_id = user.get("id") if isinstance(user, dict) else body.get("user_id")
    team = body.get("team")
    team_id = team.get("id") if isinstance(team, dict) else body.get("team_id")
    if not team_id and isinstance(user, dict):
        team_id = user.get("team_id")
    if isinstance(user_id, str) and user_id and isinstance(team_id, str) and team_id:
        return Who(team_id=team_id, user_id=user_id)
    return None


def publish_home(client: WebClient, services: Services, who: Who) -> None:
    saved, today = services.plans.home(who)
    try:
        client.views_publish(user_id=who.user_id, view=home_view(saved, today))
    except SlackApiError as exc:
        log.warning("views.publish failed for %s/%s: %s", who.team_id, who.user_id, exc.response.get("error"))
