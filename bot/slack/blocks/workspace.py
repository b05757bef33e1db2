"""An admin's Workspace section on Home (issue 16): the workspace's headline counts, suppressed as the report
suppresses them, and a button for the full report by DM. Counts and careerplan's own labels only: no name, no
answer."""

from __future__ import annotations

from typing import Any, Final

from bot.career.home import WorkspaceCounts
from bot.career.report import headlines
from bot.slack import ids
from bot.slack.blocks.text import button, context, escape, header, mrkdwn, section

TITLE: Final = "Workspace"
SEND_REPORT: Final = "Send me the full report"
ACTIONS_BLOCK: Final = "workspace_actions"
MOST_BLOCKS: Final = 5  # what the section takes on Home, at most


def workspace_blocks(counts: WorkspaceCounts) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [{"type": "divider"}, header(TITLE)]
    report = counts.report
    if report is None:
        return [*blocks, section(escape(counts.missing or "No report yet."))]
    k = report.min_group
    fields = [mrkdwn(f"*{escape(figure.label)}*\n{escape(figure.text(k))}") for figure in headlines(report)]
    return [
        *blocks,
        {"type": "section", "fields": fields},
        context(
            f"{report.since.isoformat()} to {report.until.isoformat()}, the last 12 months, counted "
            f"{report.generated_at:%Y-%m-%d %H:%M} UTC (Home counts again after 10 minutes; the full report is "
            f"always counted afresh). Counts only, never anyone's answers; a group of fewer than {k} people is not "
            "shown."
        ),
        {
            "type": "actions",
            "block_id": ACTIONS_BLOCK,
            "elements": [button(SEND_REPORT, ids.ACTION_SEND_REPORT)],
        },
    ]
