"""One gap at a time: the gaps part of a plan (the focus and how long it has been the focus, the next ones,
the closed ones), the "Closed it" modal and its reader, and what it says once closed. Pure.

On the owner's Home the focus has a **Closed it** button and each closed gap a **Reopen** button; both name the
plan version they were shown with (its id), which the server re-checks against the clicker's own latest plan.
Anyone else's view of the plan (a manager's View plan) is the same text without the buttons.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.career.plan import CLOSED_NOTE_MAX, ClosedGap, SavedPlan, focus_age, human_date
from bot.slack import ids
from bot.slack.blocks.text import Blocks, button, context, element_state, fit, input_block, plain, section

CLOSE_TITLE = "Close a gap"
NOTE_PROMPT = "How did you close it? (optional)"
CLOSED_SHOWN = 5  # closed gaps listed, latest first; the export has them all
NOTE_SHOWN_MAX = 600

View = dict[str, Any]


def gap_blocks(saved: SavedPlan, today: date, *, buttons: bool = False) -> Blocks:
    """The focus gap with its age, then the other open gaps in order, then the latest closed gaps."""
    plan = saved.plan
    blocks: Blocks = []
    if plan.focus_gap is not None:
        since = plan.focus_since or saved.saved_at.date()
        focus = section(f"*Focus gap:* {fit(plan.focus_gap, 2000)} — the focus {focus_age(since, today)}")
        if buttons:
            focus["accessory"] = button("Closed it", ids.ACTION_CLOSE_GAP, value=str(saved.id), style="primary")
        blocks.append(focus)
    elif plan.closed_gaps:
        # Edit plan is the owner's: anyone else reading the plan is not told to use it.
        hint = " The next one goes in with Edit plan." if buttons else ""
        blocks.append(section(f"*No open gap:* every gap in this plan is closed.{hint}"))
    others = plan.gaps[1:]
    if others:
        blocks.append(
            section("*Then, in order:*\n" + "\n".join(f"{n}. {fit(gap, 500)}" for n, gap in enumerate(others, start=2)))
        )
    if plan.closed_gaps:
        blocks += _closed_blocks(saved, buttons=buttons)
    return blocks


def _closed_blocks(saved: SavedPlan, *, buttons: bool) -> Blocks:
    closed = saved.plan.closed_gaps
    shown = closed[:CLOSED_SHOWN]
    if buttons:
        blocks: Blocks = [section("*Closed gaps*")]
        for index, gap in enumerate(shown):
            row = section(closed_line(gap))
            row["accessory"] = button("Reopen", ids.ACTION_REOPEN_GAP, value=f"{saved.id}:{index}")
            blocks.append(row)
    else:
        blocks = [section("*Closed gaps*\n" + "\n".join(closed_line(gap) for gap in shown))]
    if len(closed) > len(shown):
        blocks.append(context(f"…and {len(closed) - len(shown)} closed before those."))
    return blocks


def closed_line(gap: ClosedGap) -> str:
    line = f"✓ {fit(gap.description, 1000)} — closed {human_date(gap.closed_on)}"
    return f"{line}: “{fit(gap.note, NOTE_SHOWN_MAX)}”" if gap.note else line


def close_gap_view(gap: str) -> View:
    """ "Closed it": the focus gap, and an optional word on how (submit: the gap moves to the closed gaps)."""
    return {
        "type": "modal",
        "callback_id": ids.VIEW_CLOSE_GAP,
        "title": plain(CLOSE_TITLE),
        "submit": plain("Closed it"),
        "close": plain("Cancel"),
        "blocks": [
            section(f"*Focus gap:* {fit(gap, 2500)}"),
            input_block(
                ids.BLOCK_CLOSED_NOTE,
                NOTE_PROMPT,
                {"type": "plain_text_input", "multiline": True, "max_length": CLOSED_NOTE_MAX},
                hint="A word on what closed it, for you and, if you share your plan, your manager.",
            ),
        ],
    }


def read_closed_note(values: dict[str, Any]) -> str:
    """The word on how, as typed ("" when left out, or when Slack sent junk)."""
    value = element_state(values, ids.BLOCK_CLOSED_NOTE).get("value")
    return value if isinstance(value, str) else ""


def closed_view(saved: SavedPlan) -> View:
    """What the modal says once the gap is closed: which, and what the focus is now."""
    plan = saved.plan
    closed = plan.closed_gaps[0]
    text = f"✅ Closed: *{fit(closed.description, 1200)}*."
    if plan.focus_gap is not None:
        text += f"\nYour focus now: *{fit(plan.focus_gap, 1200)}*."
    else:
        text += "\nNo open gap is left: name the next one with Edit plan on your Home tab."
    return {
        "type": "modal",
        "callback_id": ids.VIEW_CLOSE_GAP,
        "title": plain(CLOSE_TITLE),
        "close": plain("Close"),
        "blocks": [section(text), context(f"Saved as version {saved.version} of your plan.")],
    }
