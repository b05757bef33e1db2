"""The manager's bench on Home (issue 16): how many reports share their plans, and for each who does, one
line of the succession picture: which way they lean, their next step and its target, their focus gap and for
how long. Only what they shared, escaped and cut; those who don't share are a number, never a name."""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from bot.career.bench import Bench, BenchEntry
from bot.career.plan import focus_age, human_date
from bot.career.reflection import Direction
from bot.slack import ids
from bot.slack.blocks.text import context, escape, fit, header, section

BENCH_PAGE: Final = 20  # sharing reports shown on Home; `/careerplan team` opens every plan
STEP_SHOWN: Final = 150
GAP_SHOWN: Final = 300
FIXED_BLOCKS: Final = 4  # divider, header, the count, the "…and N more" note

# Which way a report leans, as the bench says it ("leaning *next step*").
LEANING: Final[dict[Direction, str]] = {
    Direction.NEXT_STEP: "next step",
    Direction.GROW_IN_ROLE: "grow in this role",
    Direction.DIFFERENT_PATH: "different path",
    Direction.NOT_SURE: "not sure",
}


def bench_blocks(bench: Bench, today: date, *, room: int) -> list[dict[str, Any]]:
    """The bench in at most `room` blocks (none if there is no room even for the count)."""
    if room < FIXED_BLOCKS:
        return []
    shown = bench.entries[: max(0, min(BENCH_PAGE, room - FIXED_BLOCKS))]
    blocks: list[dict[str, Any]] = [
        {"type": "divider"},
        header("Your bench"),
        context(_counts(bench)),
    ]
    blocks += [section(entry_text(entry, today)) for entry in shown]
    if len(bench.entries) > len(shown):
        blocks.append(
            context(
                f"…and {len(bench.entries) - len(shown)} more who share: their plans open with *View plan* "
                f"in `{ids.COMMAND} {ids.SUB_TEAM}`."
            )
        )
    return blocks


def _counts(bench: Bench) -> str:
    shares = "shares their plan" if bench.sharing == 1 else "share their plans"
    text = f"*{bench.sharing} of {bench.team_size}* {shares} with you"
    leaning = bench.leaning()
    if leaning:
        text += " · leaning " + ", ".join(f"{LEANING[direction]}: {count}" for direction, count in leaning)
    return text + ". Only what each chose to share; the others are counted, never named."


def entry_text(entry: BenchEntry, today: date) -> str:
    """One report's line, e.g. `<@U1> — leaning *next step* · next step: *Staff engineer* by 30 Sep 2027 ·
    focus: *Design reviews* (for 3 weeks)`."""
    leaning = "no direction yet" if entry.direction is None else f"leaning *{LEANING[entry.direction]}*"
    parts = [f"<@{escape(entry.report)}> — {leaning}"]
    if not entry.has_plan:
        parts.append("no plan yet")
        return " · ".join(parts)
    step = entry.next_step
    if step is None:
        parts.append("every step reached")
    else:
        passed = " (passed)" if step.target < today else ""
        parts.append(f"next step: *{fit(step.title, STEP_SHOWN)}* by {human_date(step.target)}{passed}")
    if entry.focus_gap is None:
        parts.append("no open gap")
    else:
        age = "" if entry.focus_since is None else f" ({focus_age(entry.focus_since, today)})"
        parts.append(f"focus: *{fit(entry.focus_gap, GAP_SHOWN)}*{age}")
    return " · ".join(parts)
