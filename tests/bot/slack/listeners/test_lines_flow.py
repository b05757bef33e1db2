"""F3 and sharing through real signed HTTP requests: ask, confirm in a DM, share, view, change manager."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.career.lines import Line, LineStatus
from bot.slack import ids
from storage import lines as store
from storage.models import ReportingLine
from storage.people import find_person_id
from tests.fakeslack import BOT_USER_ID, FakeResponse
from tests.slackbot import (
    BOSS,
    EMPLOYEE,
    STRANGER,
    Bot,
    after,
    calls,
    click,
    dms_to,
    line_of,
    make_manager,
    say,
    walk_wizard,
)
from tests.slackhttp import block_action

NEW_BOSS = "U0NEWBOSS"


def all_lines(bot: Bot, report: str = EMPLOYEE) -> list[Line]:
    with bot.db.session() as session:
        person = find_person_id(session, "T0FAKE", report)
        assert person is not None
        line_ids = session.scalars(
            select(ReportingLine.id).where(ReportingLine.report_id == person).order_by(ReportingLine.id)
        ).all()
        found = [store.get_line(session, line_id) for line_id in line_ids]
    return [line for line in found if line is not None]


def share(bot: Bot, report: str = EMPLOYEE) -> None:
    """The report answers the latest "Share your plan?" question with Share."""
    question = next(c for c in reversed(dms_to(bot, report)) if ids.ACTION_SHARE in str(c.params.get("blocks")))
    before = calls(bot, "views.publish")
    click(bot, question, ids.ACTION_SHARE, report)
    bot.slack.wait_for("views.publish", before + 1)
    bot.settle()  # the manager's Home is published after the report's


def last_home(bot: Bot, user: str) -> str:
    """The Home last published for `user` (a click may publish other people's Homes too), once listeners are done."""
    bot.settle()
    return str([c for c in bot.slack.calls_to("views.publish") if c.params.get("user_id") == user][-1].params["view"])


def view_plan(bot: Bot, viewer: str, report: str = EMPLOYEE) -> str:
    """`viewer` clicks View plan naming `report` (as /careerplan team shows it, or tampered); what opens."""
    before = calls(bot, "views.open")
    payload = block_action({"action_id": ids.ACTION_VIEW_PLAN, "value": report}, container="message", user_id=viewer)
    assert bot.send.interactive(payload).status == 200
    return str(bot.slack.wait_for("views.open", before + 1)[-1].params["view"])


# --- F3: asking, confirming, declining -------------------------------------------------------------


def test_naming_a_manager_asks_them_and_confirming_makes_the_line_active(bot: Bot) -> None:
    answers: list[str] = []
    request = after(bot, BOSS, lambda: answers.append(say(bot, f"manager <@{BOSS}|boss>")))
    assert f"asked <@{BOSS}> to confirm" in answers[0]
    pending = all_lines(bot)
    assert [line.status for line in pending] == [LineStatus.PENDING]
    assert f"<@{EMPLOYEE}> says you are their manager" in request.params["text"]

    question = after(bot, EMPLOYEE, lambda: click(bot, request, ids.ACTION_LINE_CONFIRM, BOSS))
    updated = bot.slack.wait_for("chat.update")[-1].params
    assert updated["channel"] == "D" + BOSS and "Confirmed" in updated["text"]
    assert "actions" not in str(updated["blocks"])  # the buttons are gone
    line = line_of(bot)
    assert line is not None and line.manager == BOSS
    assert line.started_on == bot.clock.now.date()  # the first-month clock starts today
    assert line.cadence_months == 3
    assert not line.shared
    assert "Share your career plan" in question.params["text"]


def test_a_manager_adds_a_report_who_consents(bot: Bot) -> None:
    request = after(bot, EMPLOYEE, lambda: say(bot, f"add <@{EMPLOYEE}>", BOSS))
    assert line_of(bot) is None  # nobody becomes a manager without the report's consent
    assert f"<@{BOSS}> would like to be your manager" in request.params["text"]
    note = after(bot, BOSS, lambda: click(bot, request, ids.ACTION_LINE_CONFIRM, EMPLOYEE))
    line = line_of(bot)
    assert line is not None and line.manager == BOSS
    assert "confirmed that you are their manager" in note.params["text"]


def test_declining_leaves_no_manager_and_tells_the_one_who_asked(bot: Bot) -> None:
    request = after(bot, EMPLOYEE, lambda: say(bot, f"add <@{EMPLOYEE}>", BOSS))
    note = after(bot, BOSS, lambda: click(bot, request, ids.ACTION_LINE_DECLINE, EMPLOYEE))
    assert "declined" in note.params["text"]
    assert line_of(bot) is None
    assert [line.status for line in all_lines(bot)] == [LineStatus.DECLINED]


def test_after_a_decline_the_same_request_waits_a_week(bot: Bot) -> None:
    request = after(bot, BOSS, lambda: say(bot, f"manager <@{BOSS}>"))
    after(bot, EMPLOYEE, lambda: click(bot, request, ids.ACTION_LINE_DECLINE, BOSS))
    dms = len(dms_to(bot, BOSS))
    bot.clock.advance(days=6, hours=23)
    answer = say(bot, f"manager <@{BOSS}>")
    assert "<@U0BOSS> declined this request on" in answer and "You can ask them again from" in answer
    assert len(dms_to(bot, BOSS)) == dms  # the boss is not asked again
    bot.clock.advance(hours=1)
    again = after(bot, BOSS, lambda: say(bot, f"manager <@{BOSS}>"))
    assert ids.ACTION_LINE_CONFIRM in str(again.params["blocks"])
    # The one who declined may still ask the other way round.
    assert "I've asked" in say(bot, f"add <@{STRANGER}>", BOSS)


def test_one_person_has_at_most_five_requests_waiting(bot: Bot) -> None:
    for n in range(5):
        assert "I've asked" in say(bot, f"add <@U0REPORT{n}>", BOSS)
    answer = say(bot, "add <@U0REPORT5>", BOSS)
    assert "already have 5 requests waiting for an answer" in answer
    assert dms_to(bot, "U0REPORT5") == []
    assert "I've asked" in say(bot, f"manager <@{BOSS}>")  # others can still ask them


def test_the_bot_itself_cannot_be_named(bot: Bot) -> None:
    for command in (f"manager <@{BOT_USER_ID}|careerplan>", f"add <@{BOT_USER_ID}>"):
        assert "That's me, careerplan" in say(bot, command)
    assert dms_to(bot, BOT_USER_ID) == []
    with bot.db.session() as session:
        assert session.scalars(select(ReportingLine)).all() == []


@pytest.mark.parametrize(
    ("user", "slack_says", "refusal"),
    [
        ("U0OTHERAPP", {"is_bot": True}, "<@U0OTHERAPP> is an app, not a person"),
        ("U0WORKFLOW", {"is_workflow_bot": True}, "<@U0WORKFLOW> is an app, not a person"),
        ("USLACKBOT", {}, "That's Slackbot"),
        ("U0NOBODY", {"__missing__": True}, "I can't find that person in this workspace"),
    ],
)
def test_no_bot_and_no_one_slack_does_not_know_can_be_named(
    bot: Bot, user: str, slack_says: dict[str, Any], refusal: str
) -> None:
    bot.slack.users[user] = slack_says
    for command in (f"manager <@{user}|someone>", f"add <@{user}>"):
        assert refusal in say(bot, command)
    assert dms_to(bot, user) == []
    with bot.db.session() as session:
        assert session.scalars(select(ReportingLine)).all() == []


def test_a_person_is_asked_even_when_slack_cannot_say_who_they_are_in_time(bot: Bot) -> None:
    bot.slack.script(
        "users.info",
        FakeResponse(status=429, headers={"Retry-After": "30"}, body={"ok": False, "error": "ratelimited"}),
    )
    request = after(bot, BOSS, lambda: say(bot, f"manager <@{BOSS}>"))
    assert ids.ACTION_LINE_CONFIRM in str(request.params["blocks"])


def test_a_new_manager_ends_the_old_line_and_the_old_manager_loses_access_at_once(bot: Bot) -> None:
    walk_wizard(bot.open_wizard())
    make_manager(bot, BOSS)
    share(bot)
    assert "Lead a platform team" in view_plan(bot, BOSS)

    farewell = after(bot, BOSS, lambda: make_manager(bot, NEW_BOSS))
    assert "no longer see their plan" in farewell.params["text"]
    assert "not shared with you" in view_plan(bot, BOSS)
    assert "not shared with you" in view_plan(bot, NEW_BOSS)  # sharing does not carry over
    statuses = {line.manager: line.status for line in all_lines(bot)}
    assert statuses == {BOSS: LineStatus.ENDED, NEW_BOSS: LineStatus.ACTIVE}
    assert "Share your career plan" in dms_to(bot, EMPLOYEE)[-1].params["text"]


def test_team_lists_reports_and_open_requests_privately(bot: Bot) -> None:
    make_manager(bot, BOSS, EMPLOYEE)
    after(bot, STRANGER, lambda: say(bot, f"add <@{STRANGER}>", BOSS))
    shown = say(bot, "team", BOSS)
    assert f"<@{EMPLOYEE}>" in shown and "plan not shared" in shown and ids.ACTION_VIEW_PLAN in shown
    assert f"Waiting for <@{STRANGER}> to confirm" in shown
    assert "No one reports to you" in say(bot, "team", STRANGER)


def test_bad_requests_get_a_clear_answer_and_change_nothing(bot: Bot) -> None:
    assert "@-mention" in say(bot, "manager")
    assert "@-mention" in say(bot, "manager bob")
    assert "own manager" in say(bot, f"manager <@{EMPLOYEE}>")
    after(bot, BOSS, lambda: say(bot, f"manager <@{BOSS}>"))
    assert "already waiting" in say(bot, f"manager <@{BOSS}>")
    assert "already waiting" in say(bot, f"add <@{EMPLOYEE}>", BOSS)
    assert [line.status for line in all_lines(bot)] == [LineStatus.PENDING]


def test_a_cycle_is_refused(bot: Bot) -> None:
    make_manager(bot, BOSS, EMPLOYEE)  # EMPLOYEE reports to BOSS
    answer = say(bot, f"manager <@{EMPLOYEE}>", BOSS)  # BOSS would report to EMPLOYEE
    assert "can't also be their manager" in answer
    assert line_of(bot, BOSS) is None


def test_a_request_slack_cannot_deliver_is_withdrawn_and_the_asker_told(bot: Bot) -> None:
    bot.slack.script("chat.postMessage", FakeResponse(body={"ok": False, "error": "cannot_dm_bot"}))
    note = after(bot, EMPLOYEE, lambda: say(bot, f"manager <@{BOSS}>"))
    assert "withdrew the request" in note.params["text"]
    assert [line.status for line in all_lines(bot)] == [LineStatus.DECLINED]


# --- Sharing ---------------------------------------------------------------------------------------


def test_home_says_exactly_who_can_see_and_sharing_is_the_employees_choice(bot: Bot) -> None:
    walk_wizard(bot.open_wizard())
    published = len(bot.slack.wait_for("views.publish", 1))  # the wizard's own, after it saved
    make_manager(bot)
    bot.slack.wait_for("views.publish", published + 1)
    home = last_home(bot, EMPLOYEE)
    assert "only you" in home and f"<@{BOSS}>" in home and ids.ACTION_SHARE in home
    share(bot)
    home = last_home(bot, EMPLOYEE)
    assert f"you and <@{BOSS}>" in home and ids.ACTION_STOP_SHARING in home
    line = line_of(bot)
    assert line is not None and line.shared

    before = calls(bot, "views.publish")
    stop = block_action(
        {"action_id": ids.ACTION_STOP_SHARING, "value": str(line.id)},
        container="home",
        view={"type": "home", "blocks": []},
    )
    assert bot.send.interactive(stop).status == 200
    bot.slack.wait_for("views.publish", before + 1)
    assert "not shared with you" in view_plan(bot, BOSS)


def test_the_wizard_ends_with_the_sharing_control(bot: Bot) -> None:
    make_manager(bot)
    modal = bot.open_wizard()
    walk_wizard(modal)
    assert ids.ACTION_SHARE in str(modal.view) and f"<@{BOSS}>" in str(modal.view)


# --- Authorization: every action re-checks who is asking -------------------------------------------


def test_who_sees_the_plan(bot: Bot) -> None:
    """stranger, pending manager, active manager (not shared / shared), former manager, the employee."""
    walk_wizard(bot.open_wizard())
    secret = "Lead a platform team"
    make_manager(bot, "U0FORMER")
    share(bot)
    make_manager(bot, BOSS)  # U0FORMER is now a former manager
    after(bot, EMPLOYEE, lambda: say(bot, f"add <@{EMPLOYEE}>", "U0PENDING"))  # not answered

    seen: dict[str, bool] = {}
    for viewer in (STRANGER, "U0PENDING", BOSS, "U0FORMER", EMPLOYEE):
        seen[viewer] = secret in view_plan(bot, viewer)
    assert seen == {STRANGER: False, "U0PENDING": False, BOSS: False, "U0FORMER": False, EMPLOYEE: True}

    share(bot)
    seen = {viewer: secret in view_plan(bot, viewer) for viewer in (STRANGER, "U0PENDING", BOSS, "U0FORMER")}
    assert seen == {STRANGER: False, "U0PENDING": False, BOSS: True, "U0FORMER": False}


def test_refusals_name_nothing_but_the_refusal(bot: Bot) -> None:
    walk_wizard(bot.open_wizard())
    refused = view_plan(bot, STRANGER)
    assert "not shared with you" in refused and "Lead a platform team" not in refused
    tampered = view_plan(bot, STRANGER, "<!channel>")
    assert "<!channel>" not in tampered and "not shared" in tampered


def test_only_the_invited_person_can_answer_a_request(bot: Bot) -> None:
    request = after(bot, BOSS, lambda: say(bot, f"manager <@{BOSS}>"))
    for intruder in (EMPLOYEE, STRANGER):  # the asker themself, and someone the DM was forwarded to
        before = calls(bot, "chat.postEphemeral")
        click(bot, request, ids.ACTION_LINE_CONFIRM, intruder)
        note = bot.slack.wait_for("chat.postEphemeral", before + 1)[-1].params
        assert note["user"] == intruder
    assert line_of(bot) is None
    assert [line.status for line in all_lines(bot)] == [LineStatus.PENDING]
    assert calls(bot, "chat.update") == 0


def test_tampered_values_are_refused_and_change_nothing(bot: Bot) -> None:
    walk_wizard(bot.open_wizard())
    line = make_manager(bot)
    others_request = after(bot, BOSS, lambda: say(bot, f"manager <@{BOSS}>", STRANGER))
    cases = [
        (ids.ACTION_SHARE, STRANGER, str(line.id)),  # someone else's line
        (ids.ACTION_SHARE, BOSS, str(line.id)),  # the manager shares the report's plan with themself
        (ids.ACTION_LINE_CONFIRM, STRANGER, str(line.id)),  # confirm an answered line
        (ids.ACTION_LINE_DECLINE, EMPLOYEE, "1 OR 1=1"),
        (ids.ACTION_SHARE, EMPLOYEE, "99999"),
        (ids.ACTION_SHARE, EMPLOYEE, "999999999999999999"),  # past PostgreSQL's INTEGER: refused, not an error
        (ids.ACTION_LINE_CONFIRM, EMPLOYEE, str(2**31)),
        (ids.ACTION_SHARE, EMPLOYEE, "²"),
        (ids.ACTION_LINE_CONFIRM, EMPLOYEE, ""),
    ]
    for action_id, user, value in cases:
        before = calls(bot, "chat.postEphemeral")
        click(bot, others_request, action_id, user, value)
        bot.slack.wait_for("chat.postEphemeral", before + 1)
    now = line_of(bot)
    assert now is not None and not now.shared and now.manager == BOSS
    assert [ln.status for ln in all_lines(bot, STRANGER)] == [LineStatus.PENDING]
    assert "not shared with you" in view_plan(bot, BOSS)


def test_a_wizard_submission_replayed_by_another_user_is_refused(bot: Bot) -> None:
    modal = bot.open_wizard()
    modal.user_id = STRANGER
    result = modal.submit()
    assert "opened for someone else" in result.text
    with bot.db.session() as session:
        assert find_person_id(session, "T0FAKE", STRANGER) is None
