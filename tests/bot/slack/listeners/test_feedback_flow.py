"""Feedback on a shared plan, through real signed HTTP against the fake Slack: the Feedback button of the plan's
view, the form pushed over it, the note DMed to the employee and shown on their Home; and every way someone
who may not read the plan (any more) is refused, with nothing saved and nothing sent."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from bot.slack import ids
from storage.models import PlanFeedback, PlanVersion, ReportingLine
from tests.bot.slack.listeners.test_lines_flow import share
from tests.fakeslack import TEAM_ID, Call, FakeResponse
from tests.slackbot import (
    BOSS,
    EMPLOYEE,
    STRANGER,
    Bot,
    Modal,
    calls,
    dms_to,
    make_manager,
    say,
    text,
    walk_wizard,
)
from tests.slackhttp import block_action, view_submission
from tests.slackstate import assert_slack_accepts

NEW_BOSS = "U0NEWBOSS"
OTHER_REPORT = "U0BO"
NOTE = "Your steps fit your strengths; the staff step may need a sponsor."
HOSTILE = "<!channel> <@U0STRANGER> & <https://evil.example|click> "


def open_plan(bot: Bot, viewer: str = BOSS, report: str = EMPLOYEE) -> dict[str, Any]:
    """`viewer` clicks View plan naming `report`: the plan's view as it opens on their screen."""
    before = calls(bot, "views.open")
    payload = block_action({"action_id": ids.ACTION_VIEW_PLAN, "value": report}, container="message", user_id=viewer)
    assert bot.send.interactive(payload).status == 200
    view: dict[str, Any] = bot.slack.wait_for("views.open", before + 1)[-1].params["view"]
    return {**view, "id": "VPLAN"}


def feedback_value(plan_view: dict[str, Any]) -> str:
    """The Feedback button's value in the plan's view."""
    for block in plan_view["blocks"]:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element.get("action_id") == ids.ACTION_FEEDBACK:
                return str(element["value"])
    raise AssertionError("no Feedback button in the plan's view")


def click_feedback(
    bot: Bot, plan_view: dict[str, Any], user: str = BOSS, value: str | None = None, team: str = TEAM_ID
) -> dict[str, Any]:
    """`user` clicks Feedback in the plan's view (`value` tampered, if given): the view pushed over it."""
    before = calls(bot, "views.push")
    action = {"action_id": ids.ACTION_FEEDBACK, "value": feedback_value(plan_view) if value is None else value}
    own_view = {**plan_view, "private_metadata": user}  # the click of whoever's modal it is (see acting_person)
    assert bot.send.interactive(block_action(action, view=own_view, user_id=user, team_id=team)).status == 200
    pushed: dict[str, Any] = bot.slack.wait_for("views.push", before + 1)[-1].params["view"]
    return pushed


def feedback_modal(bot: Bot, user: str = BOSS, report: str = EMPLOYEE) -> Modal:
    """The feedback form `user` opened from `report`'s plan, on their screen."""
    pushed = click_feedback(bot, open_plan(bot, user, report), user)
    assert pushed["callback_id"] == ids.VIEW_FEEDBACK
    return Modal(bot, pushed, "VFEEDBACK", user)


def send_feedback(modal: Modal, note: str | None = NOTE) -> dict[str, Any]:
    """Type `note` and send: Slack's answer to the submission."""
    answer: dict[str, Any] = modal.submit({ids.BLOCK_FEEDBACK: text(note)}).json()
    modal.bot.settle()
    return answer


def shown(answer: dict[str, Any]) -> str:
    assert answer["response_action"] == "update"
    return str(answer["view"]["blocks"])


def stored(bot: Bot) -> list[PlanFeedback]:
    with bot.db.session() as session:
        rows = list(session.scalars(select(PlanFeedback).order_by(PlanFeedback.id)))
        session.expunge_all()
    return rows


def calls_holding(bot: Bot, words: str) -> list[Call]:
    """Every call to the fake Slack whose parameters hold `words` (which have nothing to escape)."""
    return [c for c in bot.slack.calls if words in json.dumps(c.params, ensure_ascii=False)]


def only_the_employee_saw(bot: Bot, words: str) -> None:
    holding = calls_holding(bot, words)
    assert holding, "the words were sent to no one"
    for call in holding:
        to = call.params.get("channel") or call.params.get("user_id")
        assert (call.method, to) in {("chat.postMessage", EMPLOYEE), ("views.publish", EMPLOYEE)}, call


@pytest.fixture
def shared_plan(bot: Bot) -> None:
    """Ana wrote her plan (version 1), confirmed BOSS as her manager and shares it with him."""
    walk_wizard(bot.open_wizard())
    make_manager(bot, BOSS)
    share(bot)


# --- the flow ---------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("shared_plan")
def test_the_manager_sends_feedback_and_the_employee_gets_it_privately_in_a_dm_and_on_home(bot: Bot) -> None:
    modal = feedback_modal(bot)
    assert_slack_accepts(modal.view)
    form = str(modal.view["blocks"])
    assert f"Feedback on <@{EMPLOYEE}>'s plan* (version 1)" in form
    assert "Listen, be honest: if the goal doesn't fit their strengths, say so and help find a path that does" in form
    assert modal.view["private_metadata"] == f"{BOSS}|{EMPLOYEE}:1"

    seen = len(dms_to(bot, EMPLOYEE))
    answer = send_feedback(modal)
    assert "*Sent.*" in shown(answer) and "reply to you directly" in shown(answer)
    assert NOTE not in shown(answer)  # the author's screen shows no more than they typed

    dm = dms_to(bot, EMPLOYEE)[seen].params
    assert dm["text"] == f"Feedback from <@{BOSS}> on your plan (version 1)"
    assert NOTE in str(dm["blocks"]) and "careerplan doesn't pass replies on" in str(dm["blocks"])
    home = bot.slack.screen(EMPLOYEE).home
    assert home is not None and "Feedback on your plan" in str(home["blocks"]) and NOTE in str(home["blocks"])
    [row] = stored(bot)
    assert row.text == NOTE and row.dm_channel == "D" + EMPLOYEE and row.dm_ts
    only_the_employee_saw(bot, NOTE)
    assert bot.slack.calls_to("chat.postEphemeral") == []  # and nothing anywhere in a channel


@pytest.mark.usefixtures("shared_plan")
def test_a_revision_meanwhile_keeps_the_feedback_with_the_version_its_author_read(bot: Bot) -> None:
    modal = feedback_modal(bot)
    walk_wizard(bot.open_wizard(), goal="Become an engineering manager")  # version 2, while the form is open
    seen = len(dms_to(bot, EMPLOYEE))
    answer = send_feedback(modal)
    assert "now version 2" in shown(answer) and "kept with version 1, the one you read" in shown(answer)
    assert dms_to(bot, EMPLOYEE)[seen].params["text"] == f"Feedback from <@{BOSS}> on your plan (version 1)"
    with bot.db.session() as session:
        kept_with = session.scalar(select(PlanVersion.version).join(PlanFeedback))
    assert kept_with == 1
    # Home shows feedback on the current plan only; the export keeps this one with version 1.
    home = bot.slack.screen(EMPLOYEE).home
    assert home is not None and NOTE not in str(home["blocks"])


@pytest.mark.usefixtures("shared_plan")
def test_there_is_no_feedback_button_on_ones_own_plan_and_no_feedback_on_it(bot: Bot) -> None:
    mine = open_plan(bot, EMPLOYEE)
    assert ids.ACTION_FEEDBACK not in str(mine["blocks"])
    pushed = click_feedback(bot, mine, EMPLOYEE, value=f"{EMPLOYEE}:1")
    assert "your own plan" in str(pushed["blocks"]) and pushed.get("callback_id") != ids.VIEW_FEEDBACK
    own = Modal(bot, {**feedback_modal(bot).view, "private_metadata": f"{EMPLOYEE}|{EMPLOYEE}:1"}, "V1", EMPLOYEE)
    assert "your own plan" in shown(send_feedback(own))
    assert stored(bot) == []


MENTOR = "U0MENTOR"


@pytest.mark.usefixtures("shared_plan")
def test_someone_the_plan_is_shared_with_sends_feedback_and_loses_the_right_when_sharing_stops(bot: Bot) -> None:
    assert "now shared with" in say(bot, f"share <@{MENTOR}|mentor>")
    modal = feedback_modal(bot, MENTOR)
    seen = len(dms_to(bot, EMPLOYEE))
    assert "*Sent.*" in shown(send_feedback(modal))
    assert dms_to(bot, EMPLOYEE)[seen].params["text"] == f"Feedback from <@{MENTOR}> on your plan (version 1)"
    only_the_employee_saw(bot, NOTE)

    second = feedback_modal(bot, MENTOR)
    plan_view = open_plan(bot, MENTOR)
    say(bot, f"unshare <@{MENTOR}|mentor>")
    later = "A second thought, after sharing stopped."
    assert "isn't shared with you" in shown(send_feedback(second, later))
    pushed = click_feedback(bot, plan_view, MENTOR)
    assert "isn't shared with you" in str(pushed["blocks"]) and pushed.get("callback_id") != ids.VIEW_FEEDBACK
    assert len(stored(bot)) == 1 and calls_holding(bot, later) == []


# --- what is typed --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        (None, "Write your feedback first."),
        ("", "Write your feedback first."),
        ("  \n\t ", "Write your feedback first."),
        ("x" * 1501, "Keep your feedback to 1500 characters (it has 1501)."),
    ],
)
@pytest.mark.usefixtures("shared_plan")
def test_a_missing_or_too_long_note_is_an_error_on_the_field_and_sends_nothing(
    bot: Bot, typed: str | None, error: str
) -> None:
    seen = len(dms_to(bot, EMPLOYEE))
    answer = send_feedback(feedback_modal(bot), typed)
    assert answer == {"response_action": "errors", "errors": {ids.BLOCK_FEEDBACK: error}}
    assert stored(bot) == [] and len(dms_to(bot, EMPLOYEE)) == seen


@pytest.mark.usefixtures("shared_plan")
def test_hostile_text_is_kept_as_typed_and_can_mention_or_notify_no_one(bot: Bot) -> None:
    note = (HOSTILE * 40)[:1500]
    seen = len(dms_to(bot, EMPLOYEE))
    send_feedback(feedback_modal(bot), note)
    [row] = stored(bot)
    assert row.text == note.strip()
    dm = dms_to(bot, EMPLOYEE)[seen].params
    shown_text = "".join(block["text"]["text"] for block in dm["blocks"] if block["type"] == "section")
    assert "<!channel>" not in shown_text and "<@U0STRANGER>" not in shown_text and "<https" not in shown_text
    assert shown_text.count("&lt;!channel&gt;") == note.count("<!channel>")  # whole, over several sections
    assert all(len(block["text"]["text"]) <= 3000 for block in dm["blocks"] if block["type"] == "section")
    home = bot.slack.screen(EMPLOYEE).home
    assert home is not None and "<!channel>" not in json.dumps(home["blocks"])
    assert dms_to(bot, STRANGER) == []


# --- who may send it: the same people who may read the plan, at the moment they send ----------------------


@pytest.mark.usefixtures("shared_plan")
def test_a_former_manager_cannot_send_feedback_from_a_form_or_a_view_opened_before_the_line_ended(bot: Bot) -> None:
    plan_view = open_plan(bot)
    modal = feedback_modal(bot)
    make_manager(bot, NEW_BOSS)  # Ana confirms a new manager: BOSS's line ends
    seen = len(dms_to(bot, EMPLOYEE))
    assert "isn't shared with you" in shown(send_feedback(modal))
    pushed = click_feedback(bot, plan_view)  # the plan's view still open on their screen
    assert "isn't shared with you" in str(pushed["blocks"]) and pushed.get("callback_id") != ids.VIEW_FEEDBACK
    assert stored(bot) == [] and len(dms_to(bot, EMPLOYEE)) == seen
    assert calls_holding(bot, NOTE) == []


@pytest.mark.usefixtures("shared_plan")
def test_a_manager_whose_report_stopped_sharing_cannot_send_feedback(bot: Bot) -> None:
    modal = feedback_modal(bot)
    plan_view = open_plan(bot)
    with bot.db.session() as session:  # the line's id, as Ana's Home holds it
        line_id = session.scalar(select(ReportingLine.id).where(ReportingLine.status == "active"))
    published = calls(bot, "views.publish")
    stop = block_action(
        {"action_id": ids.ACTION_STOP_SHARING, "value": str(line_id)}, container="home", user_id=EMPLOYEE
    )
    assert bot.send.interactive(stop).status == 200
    bot.slack.wait_for("views.publish", published + 1)

    assert "isn't shared with you" in shown(send_feedback(modal))
    pushed = click_feedback(bot, plan_view)  # the old view's button, clicked again
    assert "isn't shared with you" in str(pushed["blocks"]) and pushed.get("callback_id") != ids.VIEW_FEEDBACK
    assert stored(bot) == [] and calls_holding(bot, NOTE) == []


@pytest.mark.parametrize(
    ("user", "team"),
    [(STRANGER, TEAM_ID), (BOSS, "T0OTHER")],
    ids=["a stranger", "the manager's id in another workspace"],
)
@pytest.mark.usefixtures("shared_plan")
def test_someone_the_plan_is_not_shared_with_cannot_open_the_form_or_send_feedback(
    bot: Bot, user: str, team: str
) -> None:
    plan_view = open_plan(bot)
    pushed = click_feedback(bot, plan_view, user, team=team)  # a forged click, naming Ana's plan
    assert "isn't shared with you" in str(pushed["blocks"]) and pushed.get("callback_id") != ids.VIEW_FEEDBACK
    assert pushed["private_metadata"] == user

    # Their own form (as if it had opened), naming Ana's plan.
    forged = {**feedback_modal(bot).view, "private_metadata": f"{user}|{EMPLOYEE}:1"}
    values = {ids.BLOCK_FEEDBACK: {ids.ELEMENT: {"type": "plain_text_input", "value": NOTE}}}
    result = bot.send.interactive(view_submission(forged, values, user_id=user, team_id=team))
    assert result.status == 200
    assert "isn't shared with you" in shown(result.json())
    bot.settle()
    assert stored(bot) == [] and calls_holding(bot, NOTE) == []


@pytest.mark.usefixtures("shared_plan")
def test_the_managers_form_sent_by_someone_else_is_refused(bot: Bot) -> None:
    modal = feedback_modal(bot)
    modal.user_id = STRANGER  # BOSS's form, its payload replayed by another person
    assert "opened for someone else" in shown(send_feedback(modal))
    assert stored(bot) == [] and calls_holding(bot, NOTE) == []


@pytest.mark.parametrize(
    ("value", "refusal"),
    [
        (f"{OTHER_REPORT}:1", "isn't shared with you"),  # someone else's plan, which BOSS may not read
        (f"{EMPLOYEE}:99", "no longer exists"),
        (f"{EMPLOYEE}:0", "isn't shared with you"),
        (f"{EMPLOYEE}:-1", "isn't shared with you"),
        (f"{EMPLOYEE}:1:1", "isn't shared with you"),
        (f"{EMPLOYEE}:{2**70}", "isn't shared with you"),
        (EMPLOYEE, "isn't shared with you"),
        ("", "isn't shared with you"),
        ("<!channel>:1", "isn't shared with you"),
    ],
)
@pytest.mark.usefixtures("shared_plan")
def test_tampered_plan_versions_are_refused_at_the_click_and_at_the_submission(
    bot: Bot, value: str, refusal: str
) -> None:
    walk_wizard(bot.open_wizard(OTHER_REPORT), goal="Bo's own goal")
    make_manager(bot, STRANGER, OTHER_REPORT)
    share(bot, OTHER_REPORT)  # Bo shares with STRANGER, not with BOSS

    pushed = click_feedback(bot, open_plan(bot), value=value)
    assert refusal in str(pushed["blocks"]) and pushed.get("callback_id") != ids.VIEW_FEEDBACK
    assert "<!channel>" not in json.dumps(pushed) and "Bo's own goal" not in json.dumps(pushed)

    modal = feedback_modal(bot)
    modal.view = {**modal.view, "private_metadata": f"{BOSS}|{value}"}
    assert refusal in shown(send_feedback(modal))
    assert stored(bot) == [] and calls_holding(bot, NOTE) == []


# --- when Slack gets in the way -------------------------------------------------------------------------


@pytest.mark.usefixtures("shared_plan")
def test_when_the_dm_cannot_be_delivered_the_note_is_kept_for_home_and_the_author_is_told_privately(
    bot: Bot,
) -> None:
    modal = feedback_modal(bot)
    bot.slack.script("chat.postMessage", FakeResponse(body={"ok": False, "error": "channel_not_found"}))
    seen = len(dms_to(bot, BOSS))
    send_feedback(modal)
    [row] = stored(bot)
    assert row.text == NOTE and row.dm_channel is None
    told = dms_to(bot, BOSS)[seen].params["text"]
    assert f"couldn't message <@{EMPLOYEE}>" in told and NOTE not in told
    home = bot.slack.screen(EMPLOYEE).home
    assert home is not None and NOTE in str(home["blocks"])


@pytest.mark.usefixtures("shared_plan")
def test_a_replayed_submission_sends_nothing_twice(bot: Bot) -> None:
    modal = feedback_modal(bot)
    values = {ids.BLOCK_FEEDBACK: {ids.ELEMENT: {"type": "plain_text_input", "value": NOTE}}}
    payload = view_submission(modal.view, values, user_id=BOSS)
    seen = len(dms_to(bot, EMPLOYEE))
    for _ in range(2):
        assert bot.send.interactive(payload).status == 200
    bot.settle()
    assert len(stored(bot)) == 1 and len(dms_to(bot, EMPLOYEE)) == seen + 1
