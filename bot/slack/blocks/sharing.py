"""Who can see a person's answers, said exactly, with the controls to share or stop sharing: with the manager,
and with people the person named (a mentor, a coach). Also the modal to name one, and the DMs about it. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.career.lines import Line
from bot.career.plan import human_date
from bot.career.sharing import MAX_VIEWERS, Share
from bot.slack import ids
from bot.slack.blocks.text import Message, button, context, element_state, plain, section

SHARING_BLOCK = "sharing"
SHARE_WITH_TITLE = "Share your plan"
SHARE_WITH_LABEL = "Share with someone"


def who_can_see(
    line: Line | None, viewers: Sequence[Share] = (), *, viewer_controls: bool = True
) -> list[dict[str, Any]]:
    """Exactly who can see the person's plan and reflections, and the controls to change it: the manager (Share
    with my manager / Stop sharing), each person named (Stop sharing), and Share with someone. Without
    `viewer_controls` (in a modal, where Share with someone could not open its own), the people named are only
    listed, with a pointer to Home."""
    elements: list[dict[str, Any]] = []
    if line is None:
        text = "*Who can see your answers:* only you."
        if viewers:
            text = "*Who can see your answers:* you, and the people below."
        text += f" To share them with your manager, first add them with `{ids.COMMAND} manager @name`."
    else:
        manager = f"<@{line.manager}>"
        if line.shared:
            text = f"*Who can see your answers:* you and {manager}, your manager, while they are your manager."
            elements.append(button("Stop sharing with my manager", ids.ACTION_STOP_SHARING, value=str(line.id)))
        else:
            mine = "you, and the people below" if viewers else "only you"
            text = f"*Who can see your answers:* {mine}. {manager}, your manager, sees that your plan is not shared."
            elements.append(button("Share with my manager", ids.ACTION_SHARE, value=str(line.id), style="primary"))
    if viewer_controls and len(viewers) < MAX_VIEWERS:
        elements.append(button(SHARE_WITH_LABEL, ids.ACTION_SHARE_WITH))
    blocks: list[dict[str, Any]] = [section(text)]
    for share in viewers[:MAX_VIEWERS]:
        viewer = section(
            f"<@{share.viewer}>: your current plan, not your reflections, since {human_date(share.shared_at.date())}"
        )
        if viewer_controls:
            viewer["accessory"] = button("Stop sharing", ids.ACTION_STOP_SHARING_WITH, value=share.viewer)
        blocks.append(viewer)
    if elements:
        blocks.append({"type": "actions", "block_id": SHARING_BLOCK, "elements": elements})
    if not viewer_controls:
        blocks.append(context("Share with someone else, or stop, on your Home tab."))
    blocks.append(
        context(
            "Sharing lets your manager open your current plan and your latest reflection; "
            "if they stop being your manager, they lose access at once. Anyone else you share with "
            "(a mentor, a coach) sees your current plan only, until you stop. Admins see counts only."
        )
    )
    return blocks


def share_with_view() -> dict[str, Any]:
    """A modal to choose someone to share one's current plan with, read-only (stamp it with its owner)."""
    return {
        "type": "modal",
        "callback_id": ids.VIEW_SHARE_WITH,
        "title": plain(SHARE_WITH_TITLE),
        "submit": plain("Share"),
        "close": plain("Cancel"),
        "blocks": [
            {
                "type": "input",
                "block_id": ids.BLOCK_SHARE_WITH,
                "label": plain("Who may read your plan?"),
                "element": {"type": "users_select", "action_id": ids.ELEMENT, "placeholder": plain("Choose a person")},
                "hint": plain(
                    "A mentor or a coach, say. They get a DM with a button to read your current plan (not your "
                    "reflections) until you stop sharing on your Home tab."
                ),
            }
        ],
    }


def chosen_viewer(values: dict[str, Any]) -> str | None:
    """The Slack user id chosen in `share_with_view`, if any."""
    chosen = element_state(values, ids.BLOCK_SHARE_WITH).get("selected_user")
    return chosen if isinstance(chosen, str) and chosen else None


def shared_note(share: Share) -> str:
    """What the owner is told once their plan is shared (privately)."""
    return (
        f"Your current plan is now shared with <@{share.viewer}>, read-only (not your reflections). "
        f"Stop any time on your Home tab, or with `{ids.COMMAND} {ids.SUB_UNSHARE} @name`."
    )


def stopped_note(share: Share) -> str:
    """What the owner is told once they stop sharing with someone (who is not told)."""
    return f"Your plan is no longer shared with <@{share.viewer}>. They lose access at once; I didn't tell them."


def shared_with_you_message(share: Share) -> Message:
    """The DM to the viewer: who shared, and View plan (the owner's id: re-checked at every click)."""
    text = f"<@{share.owner}> shared their career plan with you (read-only)."
    return text, [
        section(text),
        {
            "type": "actions",
            "block_id": "shared_with_you",
            "elements": [button("View plan", ids.ACTION_VIEW_PLAN, value=share.owner, style="primary")],
        },
        context("You see their current plan, as they revise it, for as long as they share it with you."),
    ]
