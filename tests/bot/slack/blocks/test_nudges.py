"""What the scheduler's DMs say, and the buttons they carry (pure builders, no Slack)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from slack_sdk.models.blocks import Block

from bot.career.availability import WorkingTime
from bot.career.cadence import ExperimentKind, NudgeKind, Outcome, prompts_for
from bot.career.calendar import CalendarEvent, conversation_event
from bot.career.conversation import Experiment
from bot.career.nudges import AMBITION_PROMPT, HONESTY_PROMPT, ExperimentsEnded, ManagerNudge, ReportInvite
from bot.slack import ids
from bot.slack.blocks.nudges import (
    MESSAGE_BLOCKS_MAX,
    days_phrase,
    experiments_ended,
    manager_nudge,
    reminder_in,
    reminder_metadata,
    report_invite,
)

TODAY = date(2026, 12, 2)  # a Wednesday


def nudge(**changes: Any) -> ManagerNudge:
    fields: dict[str, Any] = {
        "nudge_id": 41,
        "line_id": 7,
        "kind": NudgeKind.DUE_SOON,
        "report": "U0REPORT",
        "due_on": date(2026, 12, 5),
        "today": TODAY,
        "since": date(2026, 9, 1),
        "since_held": True,
        "prompts": prompts_for(7, date(2026, 12, 5)),
        **changes,
    }
    return ManagerNudge(**fields)


def everything(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def buttons(blocks: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    return [
        (element["action_id"], element.get("value"))
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def test_the_manager_is_told_who_when_and_since_when() -> None:
    text, blocks = manager_nudge(nudge())
    assert "<@U0REPORT>" in text
    assert "Saturday 5 December (in 3 days)" in text
    shown = everything(blocks)
    assert "Last career conversation: 1 Sep 2026" in shown
    for prompt in prompts_for(7, date(2026, 12, 5)):
        assert prompt in shown
    assert len(prompts_for(7, date(2026, 12, 5))) == 3


def test_a_new_line_says_no_conversation_yet_and_an_overdue_one_says_by_how_much() -> None:
    text, blocks = manager_nudge(
        nudge(kind=NudgeKind.OVERDUE_1, due_on=date(2026, 11, 24), since=date(2026, 10, 25), since_held=False)
    )
    assert "was due Tuesday 24 November (overdue by 8 days)" in text
    assert "Reporting to you since 25 Oct 2026; no career conversation logged yet" in everything(blocks)
    first, _ = manager_nudge(nudge(kind=NudgeKind.FIRST_MONTH, due_on=date(2027, 1, 1)))
    assert "new to your team" in first and "Friday 1 January 2027 (in 30 days)" in first


def test_days_are_counted_plainly() -> None:
    assert [days_phrase(date(2026, 12, d), TODAY) for d in (5, 3, 2, 1)] == [
        "in 3 days",
        "tomorrow",
        "today",
        "overdue by 1 day",
    ]


def test_goal_and_focus_gap_appear_only_when_shared() -> None:
    _, private = manager_nudge(nudge())
    assert "Their goal" not in everything(private)
    assert "gap they are working on" not in everything(private)
    _, shared = manager_nudge(nudge(goal="Become a staff engineer", focus_gap="System design"))
    assert "*Their goal:* Become a staff engineer" in everything(shared)
    assert "*The gap they are working on:* System design" in everything(shared)
    _, goal_only = manager_nudge(nudge(goal="Lead a team"))
    assert "Lead a team" in everything(goal_only) and "gap they are" not in everything(goal_only)


def test_the_focus_gap_says_how_long_it_has_been_worked_on() -> None:
    _, blocks = manager_nudge(nudge(focus_gap="System design", focus_since=date(2026, 9, 30)))
    assert "*The gap they are working on:* System design (worked on for 2 months)" in everything(blocks)
    _, fresh = manager_nudge(nudge(focus_gap="System design", focus_since=TODAY))
    assert "System design (worked on since today)" in everything(fresh)
    _, private = manager_nudge(nudge(focus_since=date(2026, 9, 30)))  # no gap shown: no age either
    assert "worked on" not in everything(private)


def test_what_the_report_typed_cannot_ping_link_or_overflow() -> None:
    hostile = "<!channel> & <https://evil.example|click> <@U0BOSS>" + "x" * 5000
    _, blocks = manager_nudge(nudge(goal=hostile, focus_gap=hostile))
    shown = everything(blocks)
    assert "<!channel>" not in shown and "<https://evil" not in shown and "<@U0BOSS>" not in shown
    assert "&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;" in shown
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000


def test_the_manager_can_log_snooze_or_skip() -> None:
    _, blocks = manager_nudge(nudge())
    assert buttons(blocks) == [(ids.ACTION_LOG, "7"), (ids.ACTION_SNOOZE, "41"), (ids.ACTION_SKIP, "7")]


def test_the_report_is_invited_to_revise_their_plan() -> None:
    text, blocks = report_invite(ReportInvite(manager="U0BOSS", due_on=date(2026, 12, 5), first=False))
    assert "<@U0BOSS>" in text and "5 Dec 2026" in text and "revise your career plan" in text
    assert [action for action, _ in buttons(blocks)] == [ids.ACTION_EDIT_PLAN]
    first, _ = report_invite(ReportInvite(manager="U0BOSS", due_on=date(2026, 12, 5), first=True))
    assert "first career conversation" in first
    assert len(blocks) <= 3  # short


def test_each_ended_experiment_gets_its_three_answers() -> None:
    experiments = [
        Experiment(id=3, kind=ExperimentKind.SHADOWING, what="Shadow <@U0X> & the on-call", ends_on=TODAY),
        Experiment(id=4, kind=ExperimentKind.STRETCH, what="Run the planning meeting", ends_on=TODAY),
    ]
    text, blocks = experiments_ended(ExperimentsEnded("U0REPORT", True, TODAY, experiments))
    assert "<@U0REPORT>" in text and "2 Dec 2026" in text
    shown = everything(blocks)
    assert "Shadow &lt;@U0X&gt; &amp; the on-call" in shown and "Stretch assignment" in shown
    assert buttons(blocks) == [
        (ids.ACTION_OUTCOME_PREFIX + outcome.value, str(experiment.id))
        for experiment in experiments
        for outcome in (Outcome.KEEP_GOING, Outcome.STOP, Outcome.CHANGED_GOAL)
    ]
    assert len({block.get("block_id") for block in blocks if block["type"] == "actions"}) == 2


def test_many_experiments_stay_within_slacks_block_limit() -> None:
    experiments = [
        Experiment(id=n, kind=ExperimentKind.MENTORSHIP, what="y" * 4000, ends_on=TODAY) for n in range(1, 40)
    ]
    _, blocks = experiments_ended(ExperimentsEnded("U0BOSS", False, TODAY, experiments))
    assert len(blocks) <= MESSAGE_BLOCKS_MAX
    assert "more, not shown" in everything(blocks)
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")


# --- Add to calendar ---------------------------------------------------------------------------------------


def calendar_event() -> CalendarEvent:
    return conversation_event(
        datetime(2026, 12, 2, 8, 0, tzinfo=UTC),
        date(2026, 12, 5),
        WorkingTime("Europe/Berlin"),
        WorkingTime("America/New_York"),
        name="Ana & Bo",
        questions=prompts_for(7, date(2026, 12, 5)),
    )


def link_buttons(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        element["action_id"]: element
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if "url" in element
    }


@pytest.mark.parametrize("kind", [NudgeKind.DUE_SOON, NudgeKind.OVERDUE_1, NudgeKind.OVERDUE_2, NudgeKind.OVERDUE_3])
def test_due_soon_and_overdue_reminders_carry_the_calendar_links(kind: NudgeKind) -> None:
    made = calendar_event()
    _, blocks = manager_nudge(nudge(kind=kind, calendar=made))
    links = link_buttons(blocks)
    assert set(links) == {ids.ACTION_CALENDAR_GOOGLE, ids.ACTION_CALENDAR_OUTLOOK}
    assert links[ids.ACTION_CALENDAR_GOOGLE]["text"]["text"] == "Add to Google Calendar"
    assert links[ids.ACTION_CALENDAR_OUTLOOK]["text"]["text"] == "Add to Outlook"
    google = urlsplit(links[ids.ACTION_CALENDAR_GOOGLE]["url"])
    assert (google.scheme, google.netloc, google.path) == ("https", "calendar.google.com", "/calendar/render")
    assert parse_qs(google.query)["dates"] == ["20261203T140000Z/20261203T143000Z"]
    assert parse_qs(google.query)["text"] == ["Career conversation with Ana & Bo"]
    outlook = urlsplit(links[ids.ACTION_CALENDAR_OUTLOOK]["url"])
    assert (outlook.netloc, outlook.path) == ("outlook.office.com", "/calendar/0/deeplink/compose")
    assert parse_qs(outlook.query)["startdt"] == ["2026-12-03T14:00:00Z"]
    for button in links.values():
        assert len(button["url"]) < 3000 and "value" not in button and "style" not in button
        assert len(button["text"]["text"]) <= 75
    # The log / snooze / skip buttons are still there, and the message stays valid Block Kit.
    assert [action for action, _ in buttons(blocks)][:3] == [ids.ACTION_LOG, ids.ACTION_SNOOZE, ids.ACTION_SKIP]
    for block in blocks:  # slack_sdk's own checks of Block Kit's limits (a button url of at most 3,000 characters)
        parsed = Block.parse(block)
        assert parsed is not None
        assert parsed.to_dict() == block  # to_dict validates the block and each element (validate_json alone does not)


@pytest.mark.parametrize("kind", [NudgeKind.FIRST_MONTH, NudgeKind.EXPERIMENT_ENDED])
def test_other_reminders_have_no_calendar_links_even_if_given_an_event(kind: NudgeKind) -> None:
    _, blocks = manager_nudge(nudge(kind=kind, calendar=calendar_event()))
    assert link_buttons(blocks) == {}
    assert "calendar" not in everything(blocks)


def test_no_event_no_links() -> None:
    _, blocks = manager_nudge(nudge())
    assert link_buttons(blocks) == {}


def test_the_links_never_carry_the_plan() -> None:
    _, blocks = manager_nudge(nudge(goal="Secret goal", focus_gap="Secret gap", calendar=calendar_event()))
    assert "Secret goal" in everything(blocks)  # shown in the DM, where it is shared...
    for button in link_buttons(blocks).values():
        assert "Secret" not in unquote(button["url"])  # ...never in a link that leaves Slack


# --- the manager's own reminders: be honest about fit; on the first month, make it safe to aim high -------


@pytest.mark.parametrize(
    "kind", [NudgeKind.FIRST_MONTH, NudgeKind.DUE_SOON, NudgeKind.OVERDUE_1, NudgeKind.OVERDUE_2, NudgeKind.OVERDUE_3]
)
def test_every_conversation_reminder_carries_the_honesty_prompt(kind: NudgeKind) -> None:
    text, blocks = manager_nudge(nudge(kind=kind, calendar=calendar_event()))
    reminders = [b for b in blocks if b["type"] == "context" and HONESTY_PROMPT in b["elements"][0]["text"]]
    assert len(reminders) == 1  # a quiet context line, once
    # Below the questions, above the buttons.
    at = blocks.index(reminders[0])
    questions = next(i for i, b in enumerate(blocks) if "Questions to start with" in str(b))
    assert questions < at < [b["type"] for b in blocks].index("actions")
    # Said to the manager, not pushed into the notification, nor into a calendar invite the report may see.
    assert HONESTY_PROMPT not in text
    assert "strengths" not in unquote(str(link_buttons(blocks))).replace("+", " ")
    for block in blocks:
        assert Block.parse(block) is not None and Block.parse(block).to_dict() == block  # type: ignore[union-attr]


def test_only_the_first_month_reminder_normalizes_ambition() -> None:
    _, first = manager_nudge(nudge(kind=NudgeKind.FIRST_MONTH, due_on=date(2027, 1, 1)))
    assert AMBITION_PROMPT in everything(first)
    reminder = next(b for b in first if b["type"] == "context" and HONESTY_PROMPT in b["elements"][0]["text"])
    assert reminder["elements"][0]["text"] == f"{AMBITION_PROMPT}\n{HONESTY_PROMPT}"
    for kind in (NudgeKind.DUE_SOON, NudgeKind.OVERDUE_1, NudgeKind.OVERDUE_2, NudgeKind.OVERDUE_3):
        _, later = manager_nudge(nudge(kind=kind))
        assert AMBITION_PROMPT not in everything(later) and "aim high" not in everything(later)


def test_the_reminders_hold_even_without_questions_and_stay_within_slacks_limits() -> None:
    hostile = "<!channel> &" + "x" * 5000
    _, blocks = manager_nudge(nudge(kind=NudgeKind.FIRST_MONTH, prompts=[], goal=hostile, focus_gap=hostile))
    assert HONESTY_PROMPT in everything(blocks) and AMBITION_PROMPT in everything(blocks)
    assert len(blocks) <= MESSAGE_BLOCKS_MAX
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
    assert all(len(e["text"]) <= 3000 for b in blocks if b["type"] == "context" for e in b["elements"])


def test_the_reports_dms_never_carry_the_managers_reminders() -> None:
    experiment = Experiment(id=3, kind=ExperimentKind.SHADOWING, what="Shadow the on-call", ends_on=TODAY)
    for first in (True, False):
        text, blocks = report_invite(ReportInvite(manager="U0BOSS", due_on=date(2026, 12, 5), first=first))
        assert "strengths" not in text + everything(blocks) and "aim high" not in text + everything(blocks)
    for to_manager in (True, False):  # the ended-experiments question, to either side
        text, blocks = experiments_ended(ExperimentsEnded("U0BOSS", to_manager, TODAY, [experiment]))
        assert "strengths" not in text + everything(blocks) and "aim high" not in text + everything(blocks)


def test_a_reminders_metadata_is_found_again_in_history_and_nothing_else_is_taken_for_it() -> None:
    posted = {"type": "message", "ts": "1795963200.000100", "text": "x", "metadata": reminder_metadata(42)}
    assert reminder_metadata(42) == {"event_type": ids.REMINDER_METADATA_EVENT, "event_payload": {"nudge_id": 42}}
    assert reminder_in([posted], 42) == "1795963200.000100"
    as_text = {**posted, "metadata": {"event_type": ids.REMINDER_METADATA_EVENT, "event_payload": {"nudge_id": "42"}}}
    assert reminder_in([as_text], 42) == "1795963200.000100"
    hostile: list[Any] = [
        None,
        "text",
        {"ts": "1.1"},
        {"ts": "1.1", "metadata": "careerplan_reminder"},
        {"ts": "1.1", "metadata": {"event_type": "other_app", "event_payload": {"nudge_id": 42}}},
        {"ts": "1.1", "metadata": {"event_type": ids.REMINDER_METADATA_EVENT, "event_payload": {"nudge_id": 43}}},
        {"ts": "1.1", "metadata": {"event_type": ids.REMINDER_METADATA_EVENT, "event_payload": {"nudge_id": True}}},
        {"ts": "1.1", "metadata": {"event_type": ids.REMINDER_METADATA_EVENT, "event_payload": ["nudge_id", 42]}},
        {"ts": 1.1, "metadata": reminder_metadata(42)},
        {"metadata": reminder_metadata(42)},
    ]
    assert reminder_in(hostile, 42) is None
    assert reminder_in({"messages": [posted]}, 42) is None
