"""One gap at a time through real signed HTTP requests: Home's Closed it (with a word on how) and Reopen, the wizard
keeping closed gaps, the manager's View plan and reminder, and every click or submission not the owner's refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.career.plan import CLOSED_NOTE_MAX, SavedPlan
from bot.slack import ids
from storage import plans as store
from storage.models import PlanVersion
from tests.clock import utc
from tests.fakeslack import TEAM_ID
from tests.slackbot import (
    BOSS,
    EMPLOYEE,
    STRANGER,
    Bot,
    Modal,
    calls,
    dms_to,
    make_manager,
    next_dm,
    walk_wizard,
)
from tests.slackhttp import app_home_opened, block_action, view_submission
from tests.slackstate import assert_slack_accepts
from tests.sweepworld import make_world

FIRST, NEXT = "Leading design reviews", "Mentoring"  # walk_wizard's gaps, most significant first
NOTE = "Ran three reviews <!channel> & <@U0BOSS>"
SHOWN_NOTE = "Ran three reviews &lt;!channel&gt; &amp; &lt;@U0BOSS&gt;"
OTHER_TEAM = "T0OTHER"
FORMER = "U0FORMER"


# --- what the person sees, and what the database holds ----------------------------------------------------


def homes(bot: Bot, user: str = EMPLOYEE) -> list[dict[str, Any]]:
    return [c.params["view"] for c in bot.slack.calls_to("views.publish") if c.params["user_id"] == user]


def republished(bot: Bot, seen: int, user: str = EMPLOYEE) -> dict[str, Any]:
    """The next Home published for `user` after the `seen` they had."""
    total = calls(bot, "views.publish")
    while len(homes(bot, user)) <= seen:
        bot.slack.wait_for("views.publish", total + 1)  # fails the test after 5 s without one
        total += 1
    home = homes(bot, user)[seen]
    assert_slack_accepts(home)
    return home


def value_of(view: dict[str, Any], action_id: str, nth: int = 0) -> str:
    found = [
        block["accessory"]["value"]
        for block in view["blocks"]
        if block.get("accessory", {}).get("action_id") == action_id
    ]
    return str(found[nth])


def closed_lines(view: dict[str, Any]) -> list[str]:
    """The closed gaps as Home lists them, each beside its Reopen button."""
    return [
        str(block["text"]["text"])
        for block in view["blocks"]
        if block.get("accessory", {}).get("action_id") == ids.ACTION_REOPEN_GAP
    ]


def plan_of(bot: Bot, user: str = EMPLOYEE) -> SavedPlan:
    with bot.db.session() as session:
        saved = store.latest_plan_of(session, TEAM_ID, user)
    assert saved is not None
    return saved


def versions(bot: Bot) -> int:
    with bot.db.session() as session:
        return session.scalar(select(func.count()).select_from(PlanVersion)) or 0


def with_plan(bot: Bot, user: str = EMPLOYEE) -> dict[str, Any]:
    """`user` writes walk_wizard's plan; the Home it publishes."""
    seen = len(homes(bot, user))
    walk_wizard(bot.open_wizard(user))
    return republished(bot, seen, user)


def click_home(bot: Bot, action_id: str, value: str, *, user: str = EMPLOYEE, team: str = TEAM_ID) -> None:
    """`user` clicks a button on their Home tab (its value as shown, or tampered)."""
    payload = block_action({"action_id": action_id, "value": value}, container="home", user_id=user, team_id=team)
    assert bot.send.interactive(payload).status == 200


def open_close_modal(bot: Bot, home: dict[str, Any]) -> Modal:
    before = calls(bot, "views.open")
    click_home(bot, ids.ACTION_CLOSE_GAP, value_of(home, ids.ACTION_CLOSE_GAP))
    call = bot.slack.wait_for("views.open", before + 1)[-1]
    assert_slack_accepts(call.params["view"])
    return Modal(bot, call.params["view"], f"VCLOSE{before + 1}", EMPLOYEE)


def close_focus(bot: Bot, home: dict[str, Any], note: str = NOTE) -> dict[str, Any]:
    """Closed it, with `note` on how; the Home published after."""
    seen = len(homes(bot))
    answer = open_close_modal(bot, home).submit({ids.BLOCK_CLOSED_NOTE: {"value": note}}).json()
    assert answer["response_action"] == "update"
    assert_slack_accepts(answer["view"])
    return republished(bot, seen)


def refused(bot: Bot, action_id: str, value: str, *, user: str = EMPLOYEE, team: str = TEAM_ID) -> str:
    """`user` clicks a Home button and is refused: the private note they get (a DM: Home has no channel)."""
    seen = len(dms_to(bot, user))
    click_home(bot, action_id, value, user=user, team=team)
    return str(next_dm(bot, user, seen).params["text"])


# --- closing and reopening ---------------------------------------------------------------------------------


def test_closed_it_with_a_word_moves_the_focus_to_closed_gaps_and_the_next_becomes_the_focus(bot: Bot) -> None:
    home = with_plan(bot)
    assert f"*Focus gap:* {FIRST} — the focus since today" in str(home["blocks"])
    bot.clock.advance(days=21)
    seen = len(homes(bot))
    assert bot.send.event(app_home_opened()).status == 200
    home = republished(bot, seen)
    assert f"*Focus gap:* {FIRST} — the focus for 3 weeks" in str(home["blocks"])

    modal = open_close_modal(bot, home)
    assert modal.page == ids.VIEW_CLOSE_GAP and FIRST in str(modal.view["blocks"])
    assert "How did you close it? (optional)" in str(modal.view["blocks"])
    seen = len(homes(bot))
    answer = modal.submit({ids.BLOCK_CLOSED_NOTE: {"value": NOTE}}).json()
    assert f"✅ Closed: *{FIRST}*" in str(answer["view"]["blocks"])
    assert f"Your focus now: *{NEXT}*" in str(answer["view"]["blocks"])
    shown = str(republished(bot, seen)["blocks"])
    assert f"*Focus gap:* {NEXT} — the focus since today" in shown
    assert f"✓ {FIRST} — closed 12 Dec 2026: “{SHOWN_NOTE}”" in shown
    assert "<!channel>" not in shown
    saved = plan_of(bot)
    assert (saved.version, saved.plan.gaps, saved.plan.focus_since) == (2, (NEXT,), bot.clock.now.date())
    assert [(gap.description, gap.note) for gap in saved.plan.closed_gaps] == [(FIRST, NOTE)]


def test_closed_it_without_a_word_and_then_the_last_gap_leaves_no_focus(bot: Bot) -> None:
    home = close_focus(bot, with_plan(bot), note="")
    assert closed_lines(home) == [f"✓ {FIRST} — closed 21 Nov 2026"]  # no word, no quotes
    home = close_focus(bot, home, note="   ")
    shown = str(home["blocks"])
    assert "*No open gap:*" in shown and ids.ACTION_CLOSE_GAP not in shown
    assert [gap.note for gap in plan_of(bot).plan.closed_gaps] == ["", ""]


def test_reopen_puts_a_closed_gap_back_on_top_as_the_focus(bot: Bot) -> None:
    home = close_focus(bot, with_plan(bot))
    bot.clock.advance(days=3)
    seen = len(homes(bot))
    click_home(bot, ids.ACTION_REOPEN_GAP, value_of(home, ids.ACTION_REOPEN_GAP))
    shown = str(republished(bot, seen)["blocks"])
    assert f"*Focus gap:* {FIRST} — the focus since today" in shown
    assert "*Closed gaps*" not in shown
    saved = plan_of(bot)
    assert (saved.version, saved.plan.gaps, saved.plan.closed_gaps) == (3, (FIRST, NEXT), ())


def test_the_wizard_edits_open_gaps_only_and_keeps_the_closed_ones_and_the_focus_date(bot: Bot) -> None:
    close_focus(bot, with_plan(bot))
    bot.clock.advance(days=10)
    modal = bot.open_wizard()
    modal.submit()
    modal.submit()
    assert modal.page == ids.VIEW_GAPS
    typed = [b["element"].get("initial_value") for b in modal.view["blocks"] if b.get("type") == "input"]
    assert typed == [NEXT, None, None]  # the closed gap is not among the gaps to edit
    modal.submit()  # the gaps as shown: the focus unchanged
    saved = plan_of(bot)
    assert saved.version == 3 and saved.plan.gaps == (NEXT,)
    assert [gap.description for gap in saved.plan.closed_gaps] == [FIRST]
    assert saved.plan.focus_since == (bot.clock.now - timedelta(days=10)).date()
    # Reordering in the wizard makes another gap the focus: from today.
    modal = bot.open_wizard()
    modal.submit()
    modal.submit()
    modal.submit({"gap_0": {"value": "Public speaking"}, "gap_1": {"value": NEXT}})
    saved = plan_of(bot)
    assert saved.plan.gaps == ("Public speaking", NEXT) and saved.plan.focus_since == bot.clock.now.date()
    assert [gap.description for gap in saved.plan.closed_gaps] == [FIRST]


def test_reopening_into_a_full_list_is_refused_with_the_reason(bot: Bot) -> None:
    home = close_focus(bot, with_plan(bot))
    modal = bot.open_wizard()
    modal.submit()
    modal.submit()
    modal.click(ids.ACTION_ADD_GAP)
    modal.click(ids.ACTION_ADD_GAP)
    seen = len(homes(bot))
    modal.submit({f"gap_{n}": {"value": f"Gap {n}"} for n in range(5)})
    home = republished(bot, seen)
    before = versions(bot)
    note = refused(bot, ids.ACTION_REOPEN_GAP, value_of(home, ids.ACTION_REOPEN_GAP))
    assert "already has 5 open gaps" in note and "Nothing changed" in note
    assert versions(bot) == before


def test_a_note_over_the_limit_gets_an_inline_error_and_changes_nothing(bot: Bot) -> None:
    modal = open_close_modal(bot, with_plan(bot))
    hostile = ("<!channel> <@U0BOSS> & *_~`" * 300)[:3000]
    answer = modal.submit({ids.BLOCK_CLOSED_NOTE: {"value": hostile}}).json()
    assert answer["response_action"] == "errors"
    assert f"Keep this to {CLOSED_NOTE_MAX} characters" in answer["errors"][ids.BLOCK_CLOSED_NOTE]
    assert versions(bot) == 1
    answer = modal.submit({ids.BLOCK_CLOSED_NOTE: {"value": hostile[:CLOSED_NOTE_MAX]}}).json()
    assert answer["response_action"] == "update"
    assert plan_of(bot).plan.closed_gaps[0].note == hostile[:CLOSED_NOTE_MAX]


# --- authorization: only the owner, only their latest plan ---------------------------------------------------


def test_a_stale_home_is_refused_and_changes_nothing(bot: Bot) -> None:
    old_home = with_plan(bot)
    close_focus(bot, old_home)
    for action_id, value in [
        (ids.ACTION_CLOSE_GAP, value_of(old_home, ids.ACTION_CLOSE_GAP)),  # would close NEXT unseen
        (ids.ACTION_REOPEN_GAP, f"{plan_of(bot).id - 1}:0"),
    ]:
        note = refused(bot, action_id, value)
        assert "Your plan has changed since this was shown, so nothing changed" in note
    assert versions(bot) == 2 and calls(bot, "views.open") == 2  # the wizard and one Closed it modal


ACTORS = {
    "a stranger": (STRANGER, TEAM_ID),
    "the owner's id in another workspace": (EMPLOYEE, OTHER_TEAM),
}


@pytest.mark.parametrize("actor", list(ACTORS))
def test_someone_elses_click_on_the_owners_buttons_is_refused_and_leaks_nothing(bot: Bot, actor: str) -> None:
    home = close_focus(bot, with_plan(bot))
    user, team = ACTORS[actor]
    before = versions(bot)
    for action_id in (ids.ACTION_CLOSE_GAP, ids.ACTION_REOPEN_GAP):
        value = value_of(home, action_id)
        note = refused(bot, action_id, value, user=user, team=team)
        assert "no career plan yet" in note and "Nothing changed" in note
    assert versions(bot) == before
    assert_nothing_reached(bot, [NEXT, FIRST, "Ran three reviews"], only_for=EMPLOYEE)


def test_a_value_naming_another_persons_plan_is_refused_and_neither_plan_changes(bot: Bot) -> None:
    close_focus(bot, with_plan(bot))
    theirs = plan_of(bot)
    with_plan(bot, STRANGER)
    mine = plan_of(bot, STRANGER)
    for action_id, value in [(ids.ACTION_CLOSE_GAP, str(theirs.id)), (ids.ACTION_REOPEN_GAP, f"{theirs.id}:0")]:
        note = refused(bot, action_id, value, user=STRANGER)
        assert "nothing changed" in note.lower() and "Ran three reviews" not in note
    assert plan_of(bot) == theirs and plan_of(bot, STRANGER) == mine


@pytest.mark.parametrize("value", ["", "abc", "1 OR 1=1", str(2**70), "-1", "<!channel>", "7:", ":0", "7:99999", "7:²"])
@pytest.mark.parametrize("action_id", [ids.ACTION_CLOSE_GAP, ids.ACTION_REOPEN_GAP])
def test_tampered_values_are_refused_cleanly(bot: Bot, action_id: str, value: str) -> None:
    with_plan(bot)
    note = refused(bot, action_id, value)
    assert "nothing changed" in note.lower()
    assert versions(bot) == 1 and calls(bot, "views.open") == 1


def test_the_close_modal_submitted_by_someone_else_or_for_another_version_is_refused(bot: Bot) -> None:
    modal = open_close_modal(bot, with_plan(bot))
    answer = bot.send.interactive(
        view_submission(modal.view, {ids.BLOCK_CLOSED_NOTE: {ids.ELEMENT: {"value": "mine now"}}}, user_id=STRANGER)
    ).json()
    assert "opened for someone else" in str(answer["view"]["blocks"])
    tampered = {**modal.view, "private_metadata": f"{EMPLOYEE}|{plan_of(bot).id + 1}"}
    answer = bot.send.interactive(
        view_submission(tampered, {ids.BLOCK_CLOSED_NOTE: {ids.ELEMENT: {"value": "x"}}}, user_id=EMPLOYEE)
    ).json()
    assert "Your plan has changed since this was shown" in str(answer["view"]["blocks"])
    assert versions(bot) == 1 and plan_of(bot).plan.closed_gaps == ()


# --- the manager: with sharing, the focus and its age; without, nothing ---------------------------------------


def share(bot: Bot) -> None:
    question = next(c for c in reversed(dms_to(bot, EMPLOYEE)) if ids.ACTION_SHARE in str(c.params.get("blocks")))
    value = next(
        e["value"]
        for b in question.params["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ids.ACTION_SHARE
    )
    before = calls(bot, "views.publish")
    payload = block_action({"action_id": ids.ACTION_SHARE, "value": value}, container="message", user_id=EMPLOYEE)
    assert bot.send.interactive(payload).status == 200
    bot.slack.wait_for("views.publish", before + 1)
    bot.settle()  # the manager's Home is published after the report's


def view_plan(bot: Bot, viewer: str) -> str:
    before = calls(bot, "views.open")
    payload = block_action({"action_id": ids.ACTION_VIEW_PLAN, "value": EMPLOYEE}, container="message", user_id=viewer)
    assert bot.send.interactive(payload).status == 200
    return str(bot.slack.wait_for("views.open", before + 1)[-1].params["view"])


def reminder_to_boss(bot: Bot) -> str:
    """What the sweep sends BOSS about EMPLOYEE two months on, on a Monday afternoon (overdue by then)."""
    world = make_world(bot.db, bot.slack, bot.clock)
    world.at(utc(2027, 1, 25, 16, 0))
    sent = [str(c.params["blocks"]) for c in bot.slack.messages_to(BOSS) if f"<@{EMPLOYEE}>" in c.params["text"]]
    assert sent, "no reminder reached the manager"
    return sent[-1]


def test_a_manager_shared_with_sees_the_focus_its_age_and_the_closed_gaps(bot: Bot) -> None:
    home = with_plan(bot)
    make_manager(bot)
    share(bot)
    bot.clock.advance(days=2)
    close_focus(bot, home)
    shown = view_plan(bot, BOSS)
    assert f"*Focus gap:* {NEXT} — the focus since today" in shown
    assert f"✓ {FIRST} — closed 23 Nov 2026: “{SHOWN_NOTE}”" in shown
    assert ids.ACTION_CLOSE_GAP not in shown and ids.ACTION_REOPEN_GAP not in shown
    reminder = reminder_to_boss(bot)
    assert f"*The gap they are working on:* {NEXT} (worked on for 2 months)" in reminder


def test_without_sharing_the_manager_sees_no_gap_and_no_age(bot: Bot) -> None:
    close_focus(bot, with_plan(bot))
    make_manager(bot)
    assert "not shared with you" in view_plan(bot, BOSS)
    reminder = reminder_to_boss(bot)
    assert NEXT not in reminder and "worked on" not in reminder
    assert_nothing_reached(bot, [NEXT, FIRST, "Ran three reviews"], only_for=EMPLOYEE)


def test_a_former_manager_sees_nothing_of_the_gaps(bot: Bot) -> None:
    home = with_plan(bot)
    make_manager(bot, FORMER)
    share(bot)
    make_manager(bot, BOSS)  # a new manager: sharing does not carry over, and FORMER's view ends
    close_focus(bot, home)
    assert "not shared with you" in view_plan(bot, FORMER)
    reminder = reminder_to_boss(bot)
    assert NEXT not in reminder
    assert_nothing_reached(bot, ["Ran three reviews", "closed 21 Nov"], only_for=EMPLOYEE)


def assert_nothing_reached(bot: Bot, secrets: list[str], *, only_for: str) -> None:
    """No recorded call to the fake Slack carries any of `secrets` to anyone but `only_for` (their Home, their
    modals, their DMs)."""
    for call in bot.slack.calls:
        if call.method == "auth.test":
            continue
        params = call.params
        to = params.get("user_id") or params.get("channel") or params.get("user")
        if call.method == "views.open":
            to = str(params["view"].get("private_metadata", "")).split("|")[0]
        if to == only_for:
            continue
        for secret in secrets:
            assert secret not in str(params), f"{secret!r} reached {to!r} by {call.method}"
