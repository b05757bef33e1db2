"""Text for Slack surfaces: mrkdwn escaping and Slack's length limits."""

from __future__ import annotations

from typing import Any

from bot.slack import ids

Block = dict[str, Any]
Blocks = list[Block]
Message = tuple[str, Blocks]  # a DM: (notification text, blocks)

SECTION_TEXT_MAX = 3000
HEADER_TEXT_MAX = 150
ELLIPSIS = "…"


def escape(text: str) -> str:
    """Escape Slack's three control characters, so user text cannot mention, link or ping anyone."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fit(text: str, limit: int) -> str:
    """`text` escaped for mrkdwn and cut (before escaping, so no entity is split) to `limit` characters."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    budget = limit - len(ELLIPSIS)
    kept: list[str] = []
    for char in text:
        piece = escape(char)
        if len(piece) > budget:
            break
        kept.append(piece)
        budget -= len(piece)
    return "".join(kept) + ELLIPSIS


def cut(text: str, limit: int) -> str:
    """Plain text cut to `limit` characters (plain_text is shown literally and needs no escaping)."""
    return text if len(text) <= limit else text[: limit - len(ELLIPSIS)] + ELLIPSIS


def plain(text: str, *, emoji: bool = True) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": emoji}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def section(markdown: str) -> dict[str, Any]:
    """A section of mrkdwn the caller has already escaped (use `fit` for user text)."""
    return {"type": "section", "text": mrkdwn(markdown[:SECTION_TEXT_MAX])}


def context(markdown: str) -> dict[str, Any]:
    return {"type": "context", "elements": [mrkdwn(markdown[:SECTION_TEXT_MAX])]}


def header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": plain(cut(text, HEADER_TEXT_MAX))}


def button(text: str, action_id: str, *, value: str | None = None, style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "text": plain(text), "action_id": action_id}
    if value is not None:
        element["value"] = value
    if style is not None:
        element["style"] = style
    return element


def element_state(values: dict[str, Any], block_id: str) -> dict[str, Any]:
    """The state of an input block's one element in `view.state.values`, or {} when Slack left the
    block out or sent junk (so parsers read a missing answer as empty, never crash)."""
    block = values.get(block_id) if isinstance(values, dict) else None
    if not isinstance(block, dict):
        return {}
    element = block.get(ids.ELEMENT)
    if element is None and len(block) == 1:
        element = next(iter(block.values()))  # tolerate another action_id for the block's one element
    return element if isinstance(element, dict) else {}


def input_block(
    block_id: str, label: str, element: dict[str, Any], *, optional: bool = True, hint: str | None = None
) -> dict[str, Any]:
    """An input block holding one element (its action_id is ids.ELEMENT, as the parsers read it)."""
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": plain(label),
        "element": {**element, "action_id": ids.ELEMENT},
    }
    if hint is not None:
        block["hint"] = plain(hint[:2000])
    return block
