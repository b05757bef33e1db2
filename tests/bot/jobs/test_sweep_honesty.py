"""The reminders as delivered: the manager is reminded to be honest about fit (and, in the first month, to make
it safe to aim high); the report's DMs and the calendar links never carry these words."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import unquote_plus

from bot.career.nudges import AMBITION_PROMPT, HONESTY_PROMPT
from tests.bot.jobs.test_sweep import MONDAY_10AM_NEW_YORK, calendar_links, due_soon_world, is_invite, is_manager_nudge
from tests.clock import utc
from tests.fakeslack import Call
from tests.sweepworld import World


def shown(call: Call) -> str:
    return json.dumps(call.params.get("blocks") or [], ensure_ascii=False) + str(call.params["text"])


def test_first_month_and_overdue_reminders_remind_the_manager_and_the_reports_invitation_does_not(
    world: World,
) -> None:
    world.line("U0LATE", "U0BOSS", date(2026, 9, 1))  # overdue since 1 October
    world.line("U0NEW", "U0BOSS", date(2026, 11, 24))  # starts today: the first-month reminder
    assert world.at(utc(2026, 11, 24, 15, 0)).sent == 3
    to_boss = {
        report: call
        for call in world.slack.messages_to("U0BOSS")
        for report in ("U0LATE", "U0NEW")
        if report in call.params["text"]
    }
    assert all(is_manager_nudge(call) for call in to_boss.values())
    assert HONESTY_PROMPT in shown(to_boss["U0NEW"]) and AMBITION_PROMPT in shown(to_boss["U0NEW"])
    assert HONESTY_PROMPT in shown(to_boss["U0LATE"]) and AMBITION_PROMPT not in shown(to_boss["U0LATE"])
    assert "strengths" not in unquote_plus(str(calendar_links(to_boss["U0LATE"])))  # the invite leaves Slack
    (invite,) = world.slack.messages_to("U0NEW")
    assert is_invite(invite)
    assert "strengths" not in shown(invite) and "aim high" not in shown(invite)


def test_a_due_soon_reminder_reminds_the_manager_and_not_the_report(world: World) -> None:
    due_soon_world(world)
    assert world.at(MONDAY_10AM_NEW_YORK).sent == 2
    to_boss, to_report = (world.slack.messages_to(user)[-1] for user in ("U0BOSS", "U0REPORT"))
    assert HONESTY_PROMPT in shown(to_boss) and AMBITION_PROMPT not in shown(to_boss)
    assert "strengths" not in unquote_plus(str(calendar_links(to_boss)))
    assert is_invite(to_report) and "strengths" not in shown(to_report) and "aim high" not in shown(to_report)
