"""Sharing one's plan read-only with named people (a mentor, a coach), and THE rule of who may read a person's
plan. No Slack, no SQL.

Besides their manager (bot.career.lines), a person may share their current plan with up to MAX_VIEWERS people
and stop at any time. A viewer reads the current plan only, never the reflections; the manager of the active
line, while the person shares with that line, reads the plan and the latest reflection.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from bot.career.lines import Line, LineStatus, may_see_answers

MAX_VIEWERS: Final = 10


@dataclass(frozen=True)
class Share:
    """`owner` shares their current plan with `viewer` (Slack user ids) since `shared_at`, until `revoked_at`."""

    id: int
    team_id: str
    owner: str
    viewer: str
    shared_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Reader(StrEnum):
    """Who is reading a person's plan, which says what they may see."""

    OWNER = "owner"  # everything
    MANAGER = "manager"  # the current plan and the latest reflection
    VIEWER = "viewer"  # someone the owner shared with: the current plan only

    @property
    def sees_reflection(self) -> bool:
        return self is not Reader.VIEWER


def reader_of(reader: str, owner: str, line: Line | None, viewers: Collection[str]) -> Reader | None:
    """How `reader` may read `owner`'s plan, or None if not at all. `line` is the owner's active line,
    `viewers` the people the owner shares their plan with now. The manager's own rule comes first: a manager
    who was also named as a viewer reads as the manager while the owner shares with their line."""
    if reader == owner:
        return Reader.OWNER
    if may_see_answers(reader, owner, line):
        return Reader.MANAGER
    if reader in viewers:
        return Reader.VIEWER
    return None


def why_not_share(owner: str, viewer: str, line: Line | None, viewers: Collection[str]) -> str | None:
    """Why `owner` can't share their plan with `viewer` now (safe to show), or None if they can. `line` is the
    owner's active line and `viewers` whom they share with now. Whether `viewer` is a person of the workspace
    (no bot, no app, not unknown) is asked of Slack by the caller."""
    if viewer == owner:
        return "You can always see your own plan: name someone else to share it with."
    if line is not None and line.status is LineStatus.ACTIVE and line.manager == viewer:
        return (
            f"<@{viewer}> is your manager: use *Share with my manager* on your Home tab, "
            "so they see your plan for as long as they are your manager."
        )
    if viewer in viewers:
        return f"Your plan is already shared with <@{viewer}>: nothing to do."
    if len(viewers) >= MAX_VIEWERS:
        return (
            f"You already share your plan with {MAX_VIEWERS} people, the most there can be: "
            "stop sharing with someone on your Home tab first."
        )
    return None
