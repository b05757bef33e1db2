"""Sharing one's plan with named people, through real signed HTTP requests against the fake Slack: share by
command and from Home's modal, the viewer reads the plan (never the reflections), stop sharing, and every
authorization row refused with nothing changed and nothing leaked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.career.sharing import MAX_VIEWERS
from bot.slack import ids
from storage import people
from storage.models import PlanShare
from tests import builders
from tests.fakeslack import BOT_USER_ID, TEAM_ID, Call, FakeResponse
from tests.slackbot import (
    BOSS,
    EMPLOYEE,
    STRANGER,
    Bot,
    Modal,
    after,
    calls,
    dms_to,
    make_manager,
    next_dm,
    say,
)
from tests.slackhttp import block_action

MENTOR = "U0MENTOR"
COACH = "U0COACH"
OTHER_TEAM = "T0OTHER"
PLAN_SECRET = "Become the keeper of the deploy pipeline"
REFLECTION_SECRET = "Untangling flaky builds at night"
HOSTILE = ("<!channel> <@U0BOSS> & <https://evil.example|click> " * 60)[:3000]


@pytest.fixture
def written(bot: Bot) -> None:
    """The employee has a plan and a reflection, each with words nobody else may read unless allowed."""
    with bot.db.session() as session:
        builders.plan_version(session, EMPLOYEE, builders.a_plan(PLAN_SECRET))
        builders.reflection(session, EMPLOYEE, builders.a_reflection(REFLECTION_SECRET))


# Who each recorded fake-Slack call reached, for the leak search: views.open by the trigger of the click we sent.
TRIGGERS: dict[str, str] = {}


def send_click(bot: Bot, payload: dict[str, Any], user: str) -> None:
    TRIGGERS[str(payload.get("trigger_id"))] = user
    assert bot.send.interactive(payload).status == 200


def reached(call: Call) -> str | None:
    """The person a call showed something to (None: nobody we can name, e.g. users.info)."""
    params = call.params
    if call.method == "chat.postEphemeral":
        return str(params.get("user"))
    if call.method in ("chat.postMessage", "chat.update"):
        return str(params.get("channel")).removeprefix("D")
    if call.method == "views.publish":
        return str(params.get("user_id"))
    if call.method in ("views.open", "views.push"):
        return TRIGGERS.get(str(params.get("trigger_id")), "someone unknown")
    return None


def assert_nothing_leaked(bot: Bot, *, plan_readers: set[str]) -> None:
    """Search every recorded call: the plan reached only `plan_readers` (and its owner), the reflection only the
    owner."""
    for call in bot.slack.calls:
        shown = str(call.params)
        who = reached(call)
        if who is None:
            assert PLAN_SECRET not in shown and REFLECTION_SECRET not in shown, call.method
            continue
        if who != EMPLOYEE:
            assert REFLECTION_SECRET not in shown, (call.method, who)
        if who not in plan_readers | {EMPLOYEE}:
            assert PLAN_SECRET not in shown, (call.method, who)


def share_by_command(bot: Bot, viewer: str = MENTOR) -> Call:
    """The employee types `/careerplan share @viewer`; the DM the viewer gets."""
    answers: list[str] = []
    published = calls(bot, "views.publish")
    dm = after(bot, viewer, lambda: answers.append(say(bot, f"share <@{viewer}|someone>")))
    assert f"now shared with <@{viewer}>" in answers[0]
    bot.slack.wait_for("views.publish", published + 1)  # the owner's Home, listing them
    return dm


def open_plan(bot: Bot, viewer: str, value: str | None = EMPLOYEE, *, team: str = TEAM_ID) -> str:
    """`viewer` clicks View plan (from their DM; `value` may be tampered); what opens for them."""
    before = calls(bot, "views.open")
    action: dict[str, Any] = {"action_id": ids.ACTION_VIEW_PLAN}
    if value is not None:
        action["value"] = value
    payload = block_action(action, container="message", user_id=viewer, team_id=team, channel_id="D" + viewer)
    send_click(bot, payload, viewer)
    return str(bot.slack.wait_for("views.open", before + 1)[-1].params["view"])


def home_of(bot: Bot, user: str = EMPLOYEE) -> str:
    """The Home last published for `user`, once the listeners still at work (after their ack) are done."""
    bot.settle()
    published = [c for c in bot.slack.calls_to("views.publish") if c.params.get("user_id") == user]
    assert published, f"no Home published for {user}"
    return str(published[-1].params["view"])


def click_home(bot: Bot, action_id: str, value: str | None, user: str = EMPLOYEE, *, team: str = TEAM_ID) -> None:
    action: dict[str, Any] = {"action_id": action_id}
    if value is not None:
        action["value"] = value
    payload = block_action(action, container="home", view={"type": "home", "blocks": []}, user_id=user, team_id=team)
    send_click(bot, payload, user)


def stop_sharing_on_home(bot: Bot, viewer: str, user: str = EMPLOYEE) -> None:
    before = calls(bot, "views.publish")
    click_home(bot, ids.ACTION_STOP_SHARING_WITH, viewer, user)
    bot.slack.wait_for("views.publish", before + 1)


def refused_privately(bot: Bot, action: Callable[[], object], user: str) -> str:
    """Do `action`; the private note `user` gets (a DM: Home clicks come from no channel)."""
    return str(after(bot, user, action).params["text"])


def share_modal(bot: Bot, user: str = EMPLOYEE) -> Modal:
    before = calls(bot, "views.open")
    click_home(bot, ids.ACTION_SHARE_WITH, None, user)
    view = bot.slack.wait_for("views.open", before + 1)[-1].params["view"]
    assert view["callback_id"] == ids.VIEW_SHARE_WITH
    return Modal(bot, view, "V0SHARE", user)


def active_shares(bot: Bot) -> int:
    with bot.db.session() as session:
        return int(session.scalar(select(func.count()).where(PlanShare.revoked_at.is_(None))) or 0)


# --- sharing, and the viewer reading ----------------------------------------------------------------------


@pytest.mark.usefixtures("written")
def test_sharing_by_command_lets_the_viewer_read_the_plan_but_never_the_reflection(bot: Bot) -> None:
    dm = share_by_command(bot)
    assert dm.params["text"] == f"<@{EMPLOYEE}> shared their career plan with you (read-only)."
    view_plan = [e for b in dm.params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [(e["action_id"], e["value"]) for e in view_plan] == [(ids.ACTION_VIEW_PLAN, EMPLOYEE)]

    shown = open_plan(bot, MENTOR)
    assert PLAN_SECRET in shown and "Leading design reviews" in shown  # the goal and the gaps
    assert REFLECTION_SECRET not in shown and "not their reflections" in shown

    home = home_of(bot)
    assert f"<@{MENTOR}>: your current plan, not your reflections, since" in home
    assert ids.ACTION_STOP_SHARING_WITH in home and f"'value': '{MENTOR}'" in home
    assert_nothing_leaked(bot, plan_readers={MENTOR})


@pytest.mark.usefixtures("written")
def test_sharing_from_the_home_modal_and_the_viewer_reads_it(bot: Bot) -> None:
    modal = share_modal(bot)
    seen = len(dms_to(bot, COACH))
    modal.submit({ids.BLOCK_SHARE_WITH: {"selected_user": COACH}})
    assert f"now shared with <@{COACH}>" in str(modal.view["blocks"])
    dm = next_dm(bot, COACH, seen)
    assert ids.ACTION_VIEW_PLAN in str(dm.params["blocks"])
    assert PLAN_SECRET in open_plan(bot, COACH)
    assert f"<@{COACH}>: your current plan" in home_of(bot)
    assert_nothing_leaked(bot, plan_readers={COACH})


@pytest.mark.usefixtures("written")
def test_the_manager_still_reads_plan_and_reflection_while_shared(bot: Bot) -> None:
    make_manager(bot, BOSS)
    share_by_command(bot)
    assert "not shared with you" in open_plan(bot, BOSS)  # a named viewer's share grants the manager nothing
    question = next(c for c in reversed(dms_to(bot, EMPLOYEE)) if ids.ACTION_SHARE in str(c.params.get("blocks")))
    payload = block_action(
        {"action_id": ids.ACTION_SHARE, "value": question.params["blocks"][1]["elements"][0]["value"]},
        container="message",
        message={"ts": "1700000000.000100", "blocks": question.params["blocks"], "text": "x"},
        user_id=EMPLOYEE,
        channel_id="D" + EMPLOYEE,
    )
    before = calls(bot, "views.publish")
    send_click(bot, payload, EMPLOYEE)
    bot.slack.wait_for("views.publish", before + 1)
    shown = open_plan(bot, BOSS)
    assert PLAN_SECRET in shown and REFLECTION_SECRET in shown
    assert REFLECTION_SECRET not in open_plan(bot, MENTOR)


# --- stopping ---------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("written")
def test_stop_sharing_on_home_refuses_the_viewer_at_once_and_does_not_ping_them(bot: Bot) -> None:
    share_by_command(bot)
    assert PLAN_SECRET in open_plan(bot, MENTOR)
    dms = len(dms_to(bot, MENTOR))
    stop_sharing_on_home(bot, MENTOR)
    assert f"<@{MENTOR}>" not in home_of(bot)
    assert active_shares(bot) == 0

    before = len(bot.slack.calls)
    shown = open_plan(bot, MENTOR)  # the button of the old DM
    assert "not shared with you" in shown
    assert len(dms_to(bot, MENTOR)) == dms  # not pinged about it
    later_to_mentor = [c for c in bot.slack.calls[before:] if reached(c) == MENTOR]
    assert later_to_mentor and all(PLAN_SECRET not in str(c.params) for c in later_to_mentor)
    assert_nothing_leaked(bot, plan_readers={MENTOR})  # (before the stop) and never the reflection


@pytest.mark.usefixtures("written")
def test_unshare_by_command_and_sharing_again_works(bot: Bot) -> None:
    share_by_command(bot)
    assert f"no longer shared with <@{MENTOR}>" in say(bot, f"unshare <@{MENTOR}|mentor>")
    assert "not shared with you" in open_plan(bot, MENTOR)
    assert "isn't shared with" in say(bot, f"unshare <@{MENTOR}>")  # twice: nothing to stop
    assert "@-mention" in say(bot, "unshare")
    share_by_command(bot)
    assert PLAN_SECRET in open_plan(bot, MENTOR)


# --- authorization: refused, privately, with nothing changed ----------------------------------------------


@pytest.mark.usefixtures("written")
def test_a_stranger_and_tampered_view_plan_values_see_nothing(bot: Bot) -> None:
    share_by_command(bot)
    with bot.db.session() as session:
        builders.plan_version(session, BOSS, builders.a_plan("The boss's own secret goal"))
    cases = [
        (STRANGER, EMPLOYEE),  # someone the plan was never shared with
        (MENTOR, BOSS),  # a value naming someone who did not share with them
        (MENTOR, "<!channel>"),
        (MENTOR, "1 OR 1=1"),
        (MENTOR, ""),
        (MENTOR, None),
        (MENTOR, HOSTILE),
    ]
    for viewer, value in cases:
        shown = open_plan(bot, viewer, value)
        assert "not shared with you" in shown, (viewer, value)
        assert PLAN_SECRET not in shown and "boss's own secret" not in shown and "<!channel>" not in shown
    assert_nothing_leaked(bot, plan_readers={MENTOR})


@pytest.mark.usefixtures("written")
def test_the_viewers_id_in_another_workspace_sees_nothing(bot: Bot) -> None:
    share_by_command(bot)
    assert "not shared with you" in open_plan(bot, MENTOR, team=OTHER_TEAM)
    assert PLAN_SECRET in open_plan(bot, MENTOR)  # in the owner's workspace, still shared


@pytest.mark.usefixtures("written")
def test_stop_sharing_values_naming_someone_elses_share_are_refused(bot: Bot) -> None:
    share_by_command(bot)
    with bot.db.session() as session:
        builders.plan_share(session, STRANGER, COACH)  # someone else's share
    cases: list[tuple[str, str | None]] = [
        (STRANGER, MENTOR),  # the employee's share, stopped by someone else
        (MENTOR, MENTOR),  # the viewer stopping it themself: only the owner chooses
        (EMPLOYEE, COACH),  # a share that is the stranger's, not the employee's
        (EMPLOYEE, "<!channel>"),
        (EMPLOYEE, ""),
        (EMPLOYEE, None),
    ]
    for user, value in cases:

        def stop(user: str = user, value: str | None = value) -> None:
            click_home(bot, ids.ACTION_STOP_SHARING_WITH, value, user)

        note = refused_privately(bot, stop, user)
        assert "nothing changed" in note and "<!channel>" not in note, (user, value)
    note = refused_privately(
        bot, lambda: click_home(bot, ids.ACTION_STOP_SHARING_WITH, MENTOR, team=OTHER_TEAM), EMPLOYEE
    )
    assert "nothing changed" in note
    assert active_shares(bot) == 2
    assert PLAN_SECRET in open_plan(bot, MENTOR)
    assert_nothing_leaked(bot, plan_readers={MENTOR})


@pytest.mark.parametrize(
    ("user", "slack_says", "refusal"),
    [
        (EMPLOYEE, {}, "You can always see your own plan"),
        (BOT_USER_ID, {}, "That's me, careerplan"),
        ("U0OTHERAPP", {"is_bot": True}, "<@U0OTHERAPP> is an app, not a person"),
        ("USLACKBOT", {}, "That's Slackbot"),
        ("U0NOBODY", {"__missing__": True}, "I can't find that person in this workspace"),
    ],
)
@pytest.mark.usefixtures("written")
def test_no_self_bot_or_unknown_id_can_be_shared_with(
    bot: Bot, user: str, slack_says: dict[str, Any], refusal: str
) -> None:
    bot.slack.users[user] = slack_says
    assert refusal in say(bot, f"share <@{user}|someone>")
    answer = share_modal(bot).submit({ids.BLOCK_SHARE_WITH: {"selected_user": user}}).json()
    assert answer["response_action"] == "errors" and refusal in answer["errors"][ids.BLOCK_SHARE_WITH]
    assert active_shares(bot) == 0
    assert dms_to(bot, user) == [] or user == EMPLOYEE
    assert_nothing_leaked(bot, plan_readers=set())


@pytest.mark.usefixtures("written")
def test_the_manager_is_pointed_to_share_with_my_manager_and_a_second_share_is_a_friendly_note(bot: Bot) -> None:
    make_manager(bot, BOSS)
    assert "use *Share with my manager*" in say(bot, f"share <@{BOSS}>")
    share_by_command(bot)
    dms = len(dms_to(bot, MENTOR))
    assert "already shared with" in say(bot, f"share <@{MENTOR}>")
    answer = share_modal(bot).submit({ids.BLOCK_SHARE_WITH: {"selected_user": MENTOR}}).json()
    assert "already shared with" in answer["errors"][ids.BLOCK_SHARE_WITH]
    assert len(dms_to(bot, MENTOR)) == dms and active_shares(bot) == 1
    assert_nothing_leaked(bot, plan_readers={MENTOR})


def test_the_modal_wants_someone_chosen(bot: Bot) -> None:
    answer = share_modal(bot).submit().json()
    assert answer == {
        "response_action": "errors",
        "errors": {ids.BLOCK_SHARE_WITH: "Choose someone to share your plan with."},
    }


@pytest.mark.usefixtures("written")
def test_hostile_command_text_is_refused_plainly(bot: Bot) -> None:
    for text in (f"share {HOSTILE}", "share", f"share <@{MENTOR}|<!channel>>", "share bob"):
        answer = say(bot, text)
        assert "@-mention" in answer and "<!channel>" not in answer
    assert active_shares(bot) == 0


@pytest.mark.usefixtures("written")
def test_at_most_ten_people_and_home_then_offers_no_share_button(bot: Bot) -> None:
    with bot.db.session() as session:
        for n in range(MAX_VIEWERS):
            builders.plan_share(session, EMPLOYEE, f"U0VIEWER{n}")
    assert f"already share your plan with {MAX_VIEWERS} people" in say(bot, f"share <@{MENTOR}>")
    assert dms_to(bot, MENTOR) == [] and active_shares(bot) == MAX_VIEWERS
    stop_sharing_on_home(bot, "U0VIEWER0")
    assert f"'action_id': '{ids.ACTION_SHARE_WITH}'" in home_of(bot)  # room again after a stop
    share_by_command(bot)
    home = home_of(bot)
    assert f"'action_id': '{ids.ACTION_SHARE_WITH}'" not in home and home.count(ids.ACTION_STOP_SHARING_WITH) == 10


@pytest.mark.usefixtures("written")
def test_deleting_ones_answers_removes_the_shares_as_owner_and_as_viewer(bot: Bot) -> None:
    share_by_command(bot)
    with bot.db.session() as session:
        builders.plan_version(session, COACH, builders.a_plan("The coach's goal"))
        builders.plan_share(session, COACH, EMPLOYEE)
    assert "The coach's goal" in open_plan(bot, EMPLOYEE, COACH)

    before = calls(bot, "views.open")
    assert bot.send.slash_command("delete", user_id=EMPLOYEE).status == 200
    confirm = bot.slack.wait_for("views.open", before + 1)[-1].params["view"]
    TRIGGERS[str(bot.slack.calls_to("views.open")[-1].params["trigger_id"])] = EMPLOYEE
    done = str(Modal(bot, confirm, "VDELETE1", EMPLOYEE).submit().json()["view"]["blocks"])

    assert "no longer shared with anyone you had named" in done
    assert active_shares(bot) == 0
    assert "not shared with you" in open_plan(bot, MENTOR)
    assert "not shared with you" in open_plan(bot, EMPLOYEE, COACH)
    assert f"<@{MENTOR}>" not in home_of(bot)


@pytest.mark.usefixtures("written")
def test_someone_who_left_slack_cannot_be_named(bot: Bot) -> None:
    with bot.db.session() as session:
        assert people.mark_deactivated(session, builders.person(session, MENTOR), bot.clock())
    assert "has left Slack" in say(bot, f"share <@{MENTOR}>")
    assert dms_to(bot, MENTOR) == [] and active_shares(bot) == 0


@pytest.mark.usefixtures("written")
def test_a_share_slack_cannot_deliver_is_stopped_and_the_owner_told(bot: Bot) -> None:
    bot.slack.script("chat.postMessage", FakeResponse(body={"ok": False, "error": "cannot_dm_bot"}))
    note = after(bot, EMPLOYEE, lambda: say(bot, f"share <@{MENTOR}>"))
    assert f"couldn't message <@{MENTOR}>, so I stopped sharing" in note.params["text"]
    assert active_shares(bot) == 0
    assert "not shared with you" in open_plan(bot, MENTOR)


@pytest.mark.usefixtures("written")
def test_the_modal_submitted_by_someone_else_shares_nothing(bot: Bot) -> None:
    modal = share_modal(bot)
    modal.user_id = STRANGER  # a replayed or forwarded submission
    result = modal.submit({ids.BLOCK_SHARE_WITH: {"selected_user": STRANGER}})
    assert "opened for someone else" in result.text
    assert active_shares(bot) == 0 and dms_to(bot, STRANGER) == []
