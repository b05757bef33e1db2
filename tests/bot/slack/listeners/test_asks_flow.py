"""Asking key people for gaps, through real signed HTTP requests against the fake Slack: ask, suggest, not now,
withdraw, add a suggestion to the plan; who may do what; and what the asked person sees (only what was chosen)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.career.asks import MAX_OPEN_ASKS, AskStatus
from bot.career.plan import Goal, GoalKind, Plan, Step, close_focus
from bot.career.reflection import Direction, Reflection, Why
from bot.slack import ids
from storage import people
from storage import plans as plan_store
from storage.models import GapAsk, GapSuggestion
from storage.people import find_person_id
from tests import builders
from tests.fakeslack import BOT_USER_ID, TEAM_ID, Call, FakeResponse
from tests.slackbot import BOSS, EMPLOYEE, STRANGER, Bot, Modal, after, calls, click, dms_to, eventually, say, text
from tests.slackhttp import app_home_opened, block_action, view_submission
from tests.slackstate import state_from_initial

MENTOR = "U0MENTOR"
# The plan, with a distinctive text in every field: only NEXT_STEP (and GOAL, when chosen) may reach the asked.
NEXT_STEP = "Senior engineer NEXTSTEP"
GOAL = "Lead a platform team GOALSECRET"
HIDDEN = {
    "year_from_now": "Owning the deploy pipeline YEARSECRET",
    "goal words": "June 2029",
    "done step": "Junior engineer DONESTEPSECRET",
    "later step": "Staff engineer LATERSTEPSECRET",
    "step words": "Q3 2027",
    "gap 1": "Leading design reviews GAPSECRET1",
    "gap 2": "Mentoring GAPSECRET2",
    "reflection": "Pairing on hard bugs ENERGYSECRET",
}
HOSTILE = "<!channel> <@U0VICTIM> & <http://evil.example|click>"


def secret_plan() -> Plan:
    return Plan(
        goal=Goal(
            kind=GoalKind.OWN,
            text=GOAL,
            target=date(2029, 6, 30),
            target_text=HIDDEN["goal words"],
            is_own_want=True,
            fits_values=True,
            year_from_now=HIDDEN["year_from_now"],
        ),
        steps=(
            Step(HIDDEN["done step"], date(2026, 1, 31), "", done=True),
            Step(NEXT_STEP, date(2027, 9, 30), HIDDEN["step words"]),
            Step(HIDDEN["later step"], date(2028, 12, 31)),
        ),
        gaps=(HIDDEN["gap 1"], HIDDEN["gap 2"]),
    )


def save_plan(bot: Bot, user: str = EMPLOYEE, plan: Plan | None = None) -> None:
    with bot.db.session() as session:
        builders.plan_version(session, user, plan or secret_plan(), now=bot.clock())
        answers = Reflection(HIDDEN["reflection"], "x", (Why.IMPACT,), "y", Direction.NEXT_STEP)
        builders.reflection(session, user, answers, now=bot.clock())


def open_ask(bot: Bot, command: str = f"ask <@{BOSS}>", user: str = EMPLOYEE) -> Modal:
    before = calls(bot, "views.open")
    result = bot.send.slash_command(command, user_id=user)
    assert result.status == 200, result.text
    view = bot.slack.wait_for("views.open", before + 1)[-1].params["view"]
    assert view["callback_id"] == ids.VIEW_ASK
    return Modal(bot, view, f"VASK{before + 1}", user)


def ask(
    bot: Bot, asked: str = BOSS, *, show_goal: bool = False, note: str = "Before my review", user: str = EMPLOYEE
) -> Call:
    """The employee asks `asked` (by the command, then the form); the DM the asked person receives."""
    modal = open_ask(bot, f"ask <@{asked}>", user)
    goal = [{"value": "goal"}] if show_goal else []
    typed: dict[str, dict[str, Any]] = {
        ids.BLOCK_ASK_WHO: {"selected_user": asked},
        ids.BLOCK_ASK_GOAL: {"selected_options": goal},
        ids.BLOCK_ASK_NOTE: text(note),
    }
    request = after(bot, asked, lambda: modal.submit(typed))
    assert "I've asked" in str(modal.view), modal.view
    bot.settle()
    return request


def open_suggest(bot: Bot, request: Call, user: str = BOSS) -> Modal:
    before = calls(bot, "views.open")
    click(bot, request, ids.ACTION_SUGGEST, user)
    view = bot.slack.wait_for("views.open", before + 1)[-1].params["view"]
    assert view["callback_id"] == ids.VIEW_SUGGEST
    return Modal(bot, view, f"VSUGGEST{before + 1}", user)


def suggest(modal: Modal, *gaps: str, encouragement: str = "You've got this") -> dict[str, Any]:
    typed = {ids.BLOCK_SUGGESTED_GAP.format(i): text(gap) for i, gap in enumerate(gaps)}
    result = modal.submit({**typed, ids.BLOCK_ENCOURAGEMENT: text(encouragement)})
    modal.bot.settle()
    answer: dict[str, Any] = result.json()
    return answer


def home_of(bot: Bot, user: str = EMPLOYEE) -> dict[str, Any]:
    bot.settle()
    published = [c for c in bot.slack.calls_to("views.publish") if c.params.get("user_id") == user]
    assert published, f"no Home published for {user}"
    view: dict[str, Any] = published[-1].params["view"]
    return view


def click_home(bot: Bot, action_id: str, value: str, user: str = EMPLOYEE, team: str = TEAM_ID) -> None:
    view = {**home_of(bot, EMPLOYEE), "id": "VHOME"}
    payload = block_action(
        {"action_id": action_id, "value": value}, container="home", view=view, user_id=user, team_id=team
    )
    assert bot.send.interactive(payload).status == 200
    bot.settle()


def values_of(view: dict[str, Any], action_id: str) -> list[str]:
    """The values of every button `action_id` in a view's blocks (actions and accessories)."""
    found = []
    for block in view["blocks"]:
        elements = [block.get("accessory"), *block.get("elements", [])] if block["type"] != "context" else []
        found += [e["value"] for e in elements if isinstance(e, dict) and e.get("action_id") == action_id]
    return found


def asks_in_db(bot: Bot) -> list[tuple[str, str]]:
    with bot.db.session() as session:
        return [(row.status, row.note) for row in session.scalars(select(GapAsk).order_by(GapAsk.id))]


def suggestions_in_db(bot: Bot) -> int:
    with bot.db.session() as session:
        return session.scalar(select(func.count()).select_from(GapSuggestion)) or 0


def gaps_of(bot: Bot, user: str = EMPLOYEE) -> tuple[str, ...]:
    with bot.db.session() as session:
        person = find_person_id(session, TEAM_ID, user)
        assert person is not None
        saved = plan_store.latest_plan(session, person)
        assert saved is not None
        return saved.plan.gaps


def addressed_to(bot: Bot, user: str) -> list[str]:
    """Every call to the fake Slack that reaches `user`: DMs, updates, ephemerals, modals, Home."""
    found = []
    for call in bot.slack.calls:
        params = call.params
        view = params.get("view")
        owner = str(view.get("private_metadata", "")).split("|")[0] if isinstance(view, dict) else ""
        if user in (params.get("channel"), params.get("user"), params.get("user_id"), owner) or params.get(
            "channel"
        ) == ("D" + user):
            found.append(json.dumps(params, ensure_ascii=False))
    return found


def refusal_to(bot: Bot, user: str, action: Callable[..., object], *args: object) -> str:
    """Do `action`; the private note it brings `user`: an ephemeral where they clicked, or a DM (from Home)."""

    def notes() -> list[str]:
        return [
            str(c.params.get("text"))
            for c in bot.slack.calls
            if (c.method == "chat.postEphemeral" and c.params.get("user") == user)
            or (c.method == "chat.postMessage" and c.params.get("channel") == user and not c.params.get("blocks"))
        ]

    before = len(notes())
    action(*args)
    eventually(lambda: len(notes()) > before, f"a private note to {user}")
    return notes()[-1]


# --- The whole flow ---------------------------------------------------------------------------------------


def test_ask_suggest_and_add_a_gap_reach_only_the_employee(bot: Bot) -> None:
    save_plan(bot)
    modal = open_ask(bot)
    shown = json.dumps(modal.view)
    assert NEXT_STEP in shown and f'"initial_user": "{BOSS}"' in shown
    request = after(
        bot,
        BOSS,
        lambda: modal.submit({ids.BLOCK_ASK_WHO: {"selected_user": BOSS}, ids.BLOCK_ASK_NOTE: text("Before March")}),
    )
    dm = json.dumps(request.params)
    assert f"<@{EMPLOYEE}> asks you" in dm and NEXT_STEP in dm and "Before March" in dm
    assert ids.ACTION_SUGGEST in dm and ids.ACTION_NOT_NOW in dm
    waiting = json.dumps(home_of(bot))
    assert f"Waiting for <@{BOSS}>" in waiting and ids.ACTION_WITHDRAW_ASK in waiting

    answer_form = open_suggest(bot, request)
    assert NEXT_STEP in json.dumps(answer_form.view)
    note = after(bot, EMPLOYEE, lambda: suggest(answer_form, "Public speaking", "", "Estimating work"))
    assert "Sent" in json.dumps(answer_form.view)
    assert f"<@{BOSS}> suggested gaps for your next step" in note.params["text"]
    assert "Public speaking" in json.dumps(note.params) and "You've got this" in json.dumps(note.params)
    updated = bot.slack.wait_for("chat.update")[-1].params
    assert updated["channel"] == "D" + BOSS and "actions" not in json.dumps(updated["blocks"])

    home = home_of(bot)
    assert "Suggestions" in json.dumps(home) and f"<@{BOSS}>" in json.dumps(home)
    gap_ids = values_of(home, ids.ACTION_ADD_SUGGESTED_GAP)
    assert len(gap_ids) == 2  # the blank middle gap is dropped, the order kept
    told = refusal_to(bot, EMPLOYEE, lambda: click_home(bot, ids.ACTION_ADD_SUGGESTED_GAP, gap_ids[1]))
    assert "Added" in told and "version 2" in told
    assert gaps_of(bot) == (HIDDEN["gap 1"], HIDDEN["gap 2"], "Estimating work")  # after the others
    assert values_of(home_of(bot), ids.ACTION_ADD_SUGGESTED_GAP) == [gap_ids[0]]
    again = refusal_to(bot, EMPLOYEE, lambda: click_home(bot, ids.ACTION_ADD_SUGGESTED_GAP, gap_ids[1]))
    assert "already" in again
    assert gaps_of(bot) == (HIDDEN["gap 1"], HIDDEN["gap 2"], "Estimating work")

    wizard = bot.open_wizard()
    wizard.submit()
    wizard.submit()
    assert wizard.page == ids.VIEW_GAPS
    assert f"Suggested by <@{BOSS}>: Public speaking; Estimating work" in json.dumps(wizard.view)

    # What the asked person received, all of it: only the step's title and the note, never the rest.
    seen = "\n".join(addressed_to(bot, BOSS)) + json.dumps(answer_form.shown)
    assert NEXT_STEP in seen
    for field, secret in {**HIDDEN, "goal": GOAL}.items():
        assert secret not in seen, field


def test_a_suggestion_added_to_a_plan_with_every_gap_closed_is_the_focus_from_today(bot: Bot) -> None:
    plan = secret_plan()
    everything_closed = close_focus(close_focus(plan, date(2026, 10, 1), "done"), date(2026, 11, 1))
    save_plan(bot, plan=everything_closed)
    request = after(bot, BOSS, lambda: open_ask(bot).submit({ids.BLOCK_ASK_WHO: {"selected_user": BOSS}}))
    after(bot, EMPLOYEE, lambda: suggest(open_suggest(bot, request), "Public speaking"))
    [gap_id] = values_of(home_of(bot), ids.ACTION_ADD_SUGGESTED_GAP)
    assert "Added" in refusal_to(bot, EMPLOYEE, lambda: click_home(bot, ids.ACTION_ADD_SUGGESTED_GAP, gap_id))
    with bot.db.session() as session:
        person = find_person_id(session, TEAM_ID, EMPLOYEE)
        assert person is not None
        saved = plan_store.latest_plan(session, person)
    assert saved is not None
    assert saved.plan.gaps == ("Public speaking",)
    assert saved.plan.focus_since == bot.clock().date()
    assert [gap.description for gap in saved.plan.closed_gaps] == [HIDDEN["gap 2"], HIDDEN["gap 1"]]


def test_the_goal_reaches_the_asked_person_only_when_chosen(bot: Bot) -> None:
    save_plan(bot)
    request = ask(bot, show_goal=True)
    assert GOAL in json.dumps(request.params)
    seen = "\n".join(addressed_to(bot, BOSS))
    for field, secret in HIDDEN.items():
        assert secret not in seen, field
    assert GOAL not in "\n".join(addressed_to(bot, MENTOR))


def test_home_has_an_ask_for_gaps_button_that_opens_the_form(bot: Bot) -> None:
    save_plan(bot)
    walk_home = {**_published_home(bot), "id": "VHOME"}
    assert ids.ACTION_ASK in json.dumps(walk_home)
    before = calls(bot, "views.open")
    payload = block_action({"action_id": ids.ACTION_ASK}, container="home", view=walk_home)
    assert bot.send.interactive(payload).status == 200
    view = bot.slack.wait_for("views.open", before + 1)[-1].params["view"]
    assert view["callback_id"] == ids.VIEW_ASK and NEXT_STEP in json.dumps(view)


def _published_home(bot: Bot) -> dict[str, Any]:
    before = calls(bot, "views.publish")
    assert bot.send.event(app_home_opened(EMPLOYEE)).status == 200
    view: dict[str, Any] = bot.slack.wait_for("views.publish", before + 1)[-1].params["view"]
    return view


def test_not_now_closes_the_ask_and_home_says_so_gently(bot: Bot) -> None:
    save_plan(bot)
    request = ask(bot)
    click(bot, request, ids.ACTION_NOT_NOW, BOSS)
    bot.settle()
    updated = bot.slack.wait_for("chat.update")[-1].params
    assert "Not now" in updated["text"] and "actions" not in json.dumps(updated["blocks"])
    assert asks_in_db(bot) == [(AskStatus.DECLINED.value, "Before my review")]
    assert f"<@{BOSS}> couldn't this time" in json.dumps(home_of(bot))
    assert "Waiting for" not in json.dumps(home_of(bot))
    bot.clock.advance(days=15)
    assert "couldn't this time" not in json.dumps(_published_home(bot))  # mentioned for two weeks, no longer
    # A later click on the same DM's buttons changes nothing.
    assert "not now" in refusal_to(bot, BOSS, lambda: click(bot, request, ids.ACTION_SUGGEST, BOSS))
    assert "I've asked" in json.dumps(open_and_submit(bot, BOSS).view)  # asking again is fine


def open_and_submit(bot: Bot, asked: str) -> Modal:
    modal = open_ask(bot, f"ask <@{asked}>")
    modal.submit({ids.BLOCK_ASK_WHO: {"selected_user": asked}})
    bot.settle()
    return modal


# --- Withdrawal ------------------------------------------------------------------------------------------


def test_a_withdrawn_ask_can_no_longer_be_answered(bot: Bot) -> None:
    save_plan(bot)
    request = ask(bot)
    answer_form = open_suggest(bot, request)  # opened before the withdrawal, submitted after
    (ask_id,) = values_of(home_of(bot), ids.ACTION_WITHDRAW_ASK)
    click_home(bot, ids.ACTION_WITHDRAW_ASK, ask_id)
    updated = bot.slack.wait_for("chat.update")[-1].params
    assert updated["channel"] == "D" + BOSS and "withdrew" in updated["text"]
    assert "actions" not in json.dumps(updated["blocks"])
    assert "Waiting for" not in json.dumps(home_of(bot))

    assert "withdrawn" in refusal_to(bot, BOSS, lambda: click(bot, request, ids.ACTION_SUGGEST, BOSS))
    assert "withdrawn" in refusal_to(bot, BOSS, lambda: click(bot, request, ids.ACTION_NOT_NOW, BOSS))
    answer = suggest(answer_form, "Too late a gap")
    assert answer["response_action"] == "update" and "withdrawn" in json.dumps(answer["view"])
    assert suggestions_in_db(bot) == 0
    assert asks_in_db(bot) == [(AskStatus.WITHDRAWN.value, "Before my review")]
    assert "Too late a gap" not in "\n".join(addressed_to(bot, EMPLOYEE))


# --- Authorization ---------------------------------------------------------------------------------------


def test_only_the_asked_person_answers_and_only_the_asker_withdraws_or_adds(bot: Bot) -> None:
    save_plan(bot)
    request = ask(bot)
    (ask_id,) = values_of(home_of(bot), ids.ACTION_WITHDRAW_ASK)
    for intruder in (STRANGER, EMPLOYEE):  # a forwarded DM, and the asker answering themself
        for action_id in (ids.ACTION_SUGGEST, ids.ACTION_NOT_NOW):
            assert "isn't addressed to you" in refusal_to(bot, intruder, click, bot, request, action_id, intruder)
    for value in ("1 OR 1=1", "99999", str(2**31), "", "²", f"{ask_id} "):
        for action_id in (ids.ACTION_SUGGEST, ids.ACTION_NOT_NOW):
            if value.strip() == ask_id:
                continue
            refusal_to(bot, BOSS, click, bot, request, action_id, BOSS, value)
    assert "isn't one of your asks" in refusal_to(
        bot, BOSS, lambda: click(bot, request, ids.ACTION_WITHDRAW_ASK, BOSS, ask_id)
    )
    assert "isn't one of your asks" in refusal_to(
        bot, STRANGER, lambda: click(bot, request, ids.ACTION_WITHDRAW_ASK, STRANGER, ask_id)
    )
    assert asks_in_db(bot) == [(AskStatus.OPEN.value, "Before my review")]
    assert calls(bot, "chat.update") == 0

    answer_form = open_suggest(bot, request)
    answer_form.user_id = STRANGER  # the answer form replayed by someone else
    assert "opened for someone else" in answer_form.submit({ids.BLOCK_SUGGESTED_GAP.format(0): text("x")}).text
    assert suggestions_in_db(bot) == 0

    suggest(open_suggest(bot, request), "Public speaking")
    gap_ids = values_of(home_of(bot), ids.ACTION_ADD_SUGGESTED_GAP)
    for intruder in (BOSS, STRANGER):
        assert "isn't a suggestion you have" in refusal_to(
            bot, intruder, click, bot, request, ids.ACTION_ADD_SUGGESTED_GAP, intruder, gap_ids[0]
        )
    assert gaps_of(bot) == (HIDDEN["gap 1"], HIDDEN["gap 2"])


def test_clicks_from_another_workspace_are_refused(bot: Bot) -> None:
    save_plan(bot)
    request = ask(bot)
    (ask_id,) = values_of(home_of(bot), ids.ACTION_WITHDRAW_ASK)
    for action_id, user in (
        (ids.ACTION_SUGGEST, BOSS),
        (ids.ACTION_NOT_NOW, BOSS),
        (ids.ACTION_WITHDRAW_ASK, EMPLOYEE),
    ):
        before = calls(bot, "chat.postMessage")
        click_home(bot, action_id, ask_id, user=user, team="T0OTHER")
        note = bot.slack.wait_for("chat.postMessage", before + 1)[-1].params  # a private DM: Home has no channel
        assert note["channel"] == user and "nothing changed" in note["text"]
    assert asks_in_db(bot) == [(AskStatus.OPEN.value, "Before my review")]
    assert ids.ACTION_SUGGEST in json.dumps(request.params)
    assert calls(bot, "chat.update") == 0


def test_a_replayed_submission_asks_once(bot: Bot) -> None:
    save_plan(bot)
    modal = open_ask(bot)
    values = state_from_initial(modal.view, {ids.BLOCK_ASK_WHO: {"selected_user": BOSS}})
    payload = view_submission(modal.view, values, user_id=EMPLOYEE, view_id="VASK", root_view_id="VASK")
    assert bot.send.interactive(payload).status == 200
    assert bot.send.interactive(payload).status == 200
    bot.settle()
    assert len(asks_in_db(bot)) == 1
    assert len(dms_to(bot, BOSS)) == 1


# --- Limits, and who can be asked -------------------------------------------------------------------------


def test_a_few_open_asks_at_a_time_and_one_per_person(bot: Bot) -> None:
    save_plan(bot)
    ask(bot, BOSS)
    modal = open_ask(bot)
    answer = modal.submit({ids.BLOCK_ASK_WHO: {"selected_user": BOSS}}).json()
    assert answer["response_action"] == "errors" and "already asked" in answer["errors"][ids.BLOCK_ASK_WHO]
    for n in range(1, MAX_OPEN_ASKS):
        ask(bot, f"U0FRIEND{n}")
    modal = open_ask(bot, f"ask <@{MENTOR}>")
    answer = modal.submit({ids.BLOCK_ASK_WHO: {"selected_user": MENTOR}}).json()
    assert f"already have {MAX_OPEN_ASKS} asks waiting" in answer["errors"][ids.BLOCK_ASK_WHO]
    assert dms_to(bot, MENTOR) == []
    assert len(asks_in_db(bot)) == MAX_OPEN_ASKS


def test_yourself_the_bot_and_other_apps_cannot_be_asked(bot: Bot) -> None:
    save_plan(bot)
    bot.slack.users["U0OTHERAPP"] = {"is_bot": True}
    bot.slack.users["U0NOBODY"] = {"__missing__": True}
    assert "Ask someone else" in say(bot, f"ask <@{EMPLOYEE}>")
    assert "That's me, careerplan" in say(bot, f"ask <@{BOT_USER_ID}>")
    assert "is an app, not a person: only people can be asked for gaps" in say(bot, "ask <@U0OTHERAPP>")
    assert "That's Slackbot" in say(bot, "ask <@USLACKBOT>")
    assert "can't find that person" in say(bot, "ask <@U0NOBODY>")
    assert "@-mention" in say(bot, "ask bob")
    for chosen, refusal in ((EMPLOYEE, "Ask someone else"), (BOT_USER_ID, "That's me"), ("U0OTHERAPP", "an app")):
        modal = open_ask(bot, "ask")
        answer = modal.submit({ids.BLOCK_ASK_WHO: {"selected_user": chosen}}).json()
        assert refusal in answer["errors"][ids.BLOCK_ASK_WHO]
    answer = open_ask(bot, "ask").submit({ids.BLOCK_ASK_WHO: {"selected_user": None}}).json()
    assert "Choose the person" in answer["errors"][ids.BLOCK_ASK_WHO]
    assert asks_in_db(bot) == []
    assert dms_to(bot, "U0OTHERAPP") == [] and dms_to(bot, BOT_USER_ID) == []


def test_without_a_plan_or_a_next_step_there_is_nothing_to_ask_about(bot: Bot) -> None:
    assert "Write your plan first" in say(bot, f"ask <@{BOSS}>")
    plan = secret_plan()
    all_done = Plan(plan.goal, tuple(Step(s.title, s.target, done=True) for s in plan.steps), plan.gaps)
    save_plan(bot, plan=all_done)
    assert "Write your plan first" in say(bot, f"ask <@{BOSS}>")
    assert calls(bot, "views.open") == 0


def test_an_ask_slack_cannot_deliver_is_withdrawn(bot: Bot) -> None:
    save_plan(bot)
    modal = open_ask(bot)
    bot.slack.script("chat.postMessage", FakeResponse(body={"ok": False, "error": "cannot_dm_bot"}))
    note = after(bot, EMPLOYEE, lambda: modal.submit({ids.BLOCK_ASK_WHO: {"selected_user": BOSS}}))
    assert "withdrew the ask" in note.params["text"]
    assert asks_in_db(bot) == [(AskStatus.WITHDRAWN.value, "")]


# --- Hostile text ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [3000])
def test_hostile_text_is_refused_when_too_long_and_escaped_everywhere(bot: Bot, length: int) -> None:
    save_plan(bot)
    modal = open_ask(bot)
    flood = (HOSTILE * (length // len(HOSTILE) + 1))[:length]
    answer = modal.submit({ids.BLOCK_ASK_WHO: {"selected_user": BOSS}, ids.BLOCK_ASK_NOTE: text(flood)}).json()
    assert "Keep the note to 500" in answer["errors"][ids.BLOCK_ASK_NOTE]
    assert asks_in_db(bot) == []

    request = ask(bot, note=HOSTILE)
    answer_form = open_suggest(bot, request)
    answer = answer_form.submit({ids.BLOCK_SUGGESTED_GAP.format(0): text(flood)}).json()
    assert "Keep this to 400" in answer["errors"][ids.BLOCK_SUGGESTED_GAP.format(0)]
    answer = answer_form.submit({ids.BLOCK_SUGGESTED_GAP.format(0): text(""), ids.BLOCK_ENCOURAGEMENT: text("")})
    assert "at least one gap" in answer.json()["errors"][ids.BLOCK_SUGGESTED_GAP.format(0)]
    suggest(answer_form, HOSTILE, encouragement=HOSTILE)
    for user in (EMPLOYEE, BOSS):
        for call in addressed_to(bot, user):
            for raw in ("<!channel>", "<@U0VICTIM>", "<http://evil"):
                assert raw not in call, (user, call[:200])
    assert "&lt;!channel&gt; &lt;@U0VICTIM&gt; &amp;" in json.dumps(request.params)
    assert "&lt;!channel&gt;" in json.dumps(home_of(bot))


# --- Export and delete -------------------------------------------------------------------------------------


def answered_ask(bot: Bot) -> None:
    """The employee asks the boss (showing the goal, with a hostile note); the boss suggests two gaps."""
    save_plan(bot)
    request = ask(bot, show_goal=True, note=HOSTILE)
    suggest(open_suggest(bot, request), "Public <speaking>", "Estimating & planning", encouragement="Go *for* it")


def exported(bot: Bot, user: str) -> str:
    before = calls(bot, "files.completeUploadExternal")
    assert bot.send.slash_command("export", user_id=user).status == 200
    completed = bot.slack.wait_for("files.completeUploadExternal", before + 1)[-1]
    (shared,) = completed.params["files"]
    return bot.slack.uploads[shared["id"]].decode("utf-8")


def delete_everything(bot: Bot, user: str) -> dict[str, Any]:
    before = calls(bot, "views.open")
    assert bot.send.slash_command("delete", user_id=user).status == 200
    confirm = bot.slack.wait_for("views.open", before + 1)[-1].params["view"]
    answer: dict[str, Any] = Modal(bot, confirm, f"VDELETE{before}", user).submit().json()
    return answer


def test_the_export_lists_asks_sent_suggestions_received_and_suggestions_written(bot: Bot) -> None:
    answered_ask(bot)
    mine = exported(bot, EMPLOYEE)
    assert "## Asks for gaps" in mine and f"Asked {BOSS}" in mine and ": answered" in mine
    assert "Senior engineer NEXTSTEP" in mine and "&lt;!channel&gt;" in mine  # the note, never HTML
    assert f"Gaps {BOSS} suggested" in mine and "1. Public &lt;speaking&gt;" in mine
    assert "> Go \\*for\\* it" in mine  # someone else's words, quoted
    theirs = exported(bot, BOSS)
    assert f"Gaps you suggested to {EMPLOYEE}" in theirs and "2. Estimating &amp; planning" in theirs
    assert NEXT_STEP not in theirs.split("Gaps you suggested")[0]  # nothing of the plan's beyond their answer


def test_delete_erases_the_askers_asks_and_the_authors_suggestions(bot: Bot) -> None:
    answered_ask(bot)
    answer = delete_everything(bot, BOSS)  # the author: their words go, the employee's ask stays
    assert "2 gaps you suggested" in json.dumps(answer)
    assert suggestions_in_db(bot) == 0
    with bot.db.session() as session:
        assert [row.encouragement for row in session.scalars(select(GapAsk))] == [""]
    assert "Public" not in exported(bot, EMPLOYEE)
    assert "Suggestions" not in json.dumps(_published_home(bot))  # Home, opened again

    request = ask(bot, MENTOR)
    suggest(open_suggest(bot, request, MENTOR), "Writing design docs")
    answer = delete_everything(bot, EMPLOYEE)
    assert "2 asks for gaps" in json.dumps(answer) and "1 gap suggested to you" in json.dumps(answer)
    assert asks_in_db(bot) == [] and suggestions_in_db(bot) == 0


def test_someone_who_left_slack_is_not_asked(bot: Bot) -> None:
    save_plan(bot)
    with bot.db.session() as session:
        people.mark_deactivated(session, builders.person(session, MENTOR), bot.clock())
    answer = open_ask(bot, f"ask <@{MENTOR}>").submit({ids.BLOCK_ASK_WHO: {"selected_user": MENTOR}}).json()
    assert "has left Slack" in answer["errors"][ids.BLOCK_ASK_WHO]
    assert asks_in_db(bot) == [] and dms_to(bot, MENTOR) == []


def test_an_ask_is_answered_once_and_withdrawn_once(bot: Bot) -> None:
    save_plan(bot)
    request = ask(bot)
    first, second = open_suggest(bot, request), open_suggest(bot, request)  # two forms open at once
    suggest(first, "Public speaking")
    answer = suggest(second, "Second thoughts")
    assert answer["response_action"] == "update" and "already answered" in json.dumps(answer["view"])
    assert suggestions_in_db(bot) == 1
    assert len(dms_to(bot, EMPLOYEE)) == 1  # one "suggested gaps" DM

    request = ask(bot, MENTOR)
    (ask_id,) = values_of(home_of(bot), ids.ACTION_WITHDRAW_ASK)  # the answered one has no Withdraw
    click_home(bot, ids.ACTION_WITHDRAW_ASK, ask_id)
    updates = calls(bot, "chat.update")
    again = refusal_to(bot, EMPLOYEE, click_home, bot, ids.ACTION_WITHDRAW_ASK, ask_id)  # a stale Home
    assert "already answered, declined or withdrawn" in again
    assert calls(bot, "chat.update") == updates
