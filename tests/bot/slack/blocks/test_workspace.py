"""An admin's Workspace section: the headline counts as the report prints them (suppression kept), a button
that names no workspace, and nothing else."""

from __future__ import annotations

from typing import Any

from bot.career.home import WorkspaceCounts
from bot.career.report import M, headlines
from bot.slack import ids
from bot.slack.blocks.workspace import ACTIONS_BLOCK, MOST_BLOCKS, SEND_REPORT, TITLE, workspace_blocks
from tests import builders
from tests.slackstate import assert_slack_accepts


def fields_of(blocks: list[dict[str, Any]]) -> dict[str, str]:
    """Each field as "label": "value", as Slack shows "*label*\\nvalue"."""
    (counts,) = [block for block in blocks if "fields" in block]
    pairs = [field["text"].split("\n", 1) for field in counts["fields"]]
    return {label.strip("*"): value for label, value in pairs}


def test_the_section_shows_each_headline_as_the_report_prints_it() -> None:
    report = builders.a_report()
    blocks = workspace_blocks(WorkspaceCounts(report))

    assert_slack_accepts({"type": "home", "blocks": blocks})
    assert len(blocks) <= MOST_BLOCKS
    assert blocks[1]["text"]["text"] == TITLE
    assert fields_of(blocks) == {figure.label: figure.text(5) for figure in headlines(report)}
    shown = fields_of(blocks)
    assert shown["People"] == "12"
    assert shown["Active reporting lines"] == "10"
    assert shown["People with a plan"] == "fewer than 5"  # 4: a small group
    assert shown["Lines on cadence (at most 14 days past due)"] == "suppressed"  # 7 of 10: the other 3 are few
    assert "a group of fewer than 5 people is not shown" in str(blocks)
    assert f"counted {report.generated_at:%Y-%m-%d %H:%M} UTC" in str(blocks)  # how fresh Home's counts are


def test_the_button_carries_no_value_to_trust() -> None:
    (actions,) = [b for b in workspace_blocks(WorkspaceCounts(builders.a_report())) if b["type"] == "actions"]
    (send,) = actions["elements"]
    assert actions["block_id"] == ACTIONS_BLOCK
    assert (send["action_id"], send["text"]["text"]) == (ids.ACTION_SEND_REPORT, SEND_REPORT)
    assert "value" not in send


def test_counts_that_change_change_the_section() -> None:
    bigger = builders.a_report({**builders.DEFAULT_TALLIES, M.WITH_PLAN: 7})
    assert fields_of(workspace_blocks(WorkspaceCounts(bigger)))["People with a plan"] == "7 of 12 (58%)"


def test_without_a_report_the_section_says_why_and_offers_nothing_to_send() -> None:
    blocks = workspace_blocks(WorkspaceCounts(None, "No report yet: there is no workspace <'T1'> in the database."))
    assert_slack_accepts({"type": "home", "blocks": blocks})
    assert "No report yet: there is no workspace &lt;'T1'&gt; in the database." in str(blocks)
    assert ids.ACTION_SEND_REPORT not in str(blocks)
