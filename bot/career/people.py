"""People and workspaces as Slack changes them: why a workspace stopped hearing from careerplan."""

from __future__ import annotations

from enum import StrEnum


class InactiveReason(StrEnum):
    """Why a workspace is inactive (`workspaces.inactive_reason`): its bot token is dead, so nothing is sent."""

    UNINSTALLED = "uninstalled"  # app_uninstalled
    TOKENS_REVOKED = "tokens_revoked"  # tokens_revoked, naming the bot's token
