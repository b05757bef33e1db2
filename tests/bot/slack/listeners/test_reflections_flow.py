"""F2 through real signed HTTP requests: /careerplan reflect → the prompts → stored with the date → Home."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.career.reflection import ENERGY_MAX, WHY_WORDS_MAX, Direction, SavedReflection, Why
from bot.slack import ids
from storage import people
from storage import reflections as store
from tests.fakeslack import TEAM_ID
from tests.slackbot import EMPLOYEE, Bot, text
from tests.slackhttp import HttpResult, block_action, view_submission
from tests.slackstate import assert_slack_accepts, state_from_initial

HOSTILE = "<!channel> <@U0X> & "
INTRUDER = "U0INTRUDER"


def picked(*values: str) -> dict[str, Any]:
    return {"selected_options": [{"value": v} for v in values]}


def leaning(value: str) -> dict[str, Any]:
    return {"selected_option": {"value": value}}


ANSWERS = {
    ids.BLOCK_ENERGY: text("Pairing on hard bugs"),
    ids.BLOCK_REFLECT_YEAR: text("Leading the platform team"),
    ids.BLOCK_WHY: picked("challenges", "impact"),
    ids.BLOCK_WHY_WORDS: text("To see my work reach customers sooner"),
    ids.BLOCK_DIRECTION: leaning("next_step"),
}


def open_reflect(bot: Bot, user_id: str = EMPLOYEE) -> dict[str, Any]:
    """Send `/careerplan reflect` and return the view the bot opened."""
    before = len(bot.slack.calls_to("views.open"))
    result = bot.send.slash_command(ids.SUB_REFLECT, user_id=user_id)
    assert result.status == 200, result.text
    assert result.body == b""  # a plain ack: nothing posted, not even ephemerally
    call = bot.slack.wait_for("views.open", before + 1)[-1]
    assert call.params["trigger_id"]
    view: dict[str, Any] = call.params["view"]
    return view


def submit(
    bot: Bot, view: dict[str, Any], typed: dict[str, dict[str, Any]] | None = None, user_id: str = EMPLOYEE
) -> HttpResult:
    payload = view_submission(view, state_from_initial(view, typed), user_id=user_id, view_id="VREFLECT")
    result = bot.send.interactive(payload)
    assert result.status == 200, result.text
    return result


def history(bot: Bot, user_id: str = EMPLOYEE) -> list[SavedReflection]:
    with bot.db.session() as session:
        person = people.find_person_id(session, TEAM_ID, user_id)
        return [] if person is None else store.reflections_of(session, person)


def all_reflections(bot: Bot) -> int:
    return sum(len(history(bot, user)) for user in (EMPLOYEE, INTRUDER))


def home_after(bot: Bot, publishes: int) -> dict[str, Any]:
    call = bot.slack.wait_for("views.publish", publishes)[-1]
    assert call.params["user_id"] == EMPLOYEE
    view: dict[str, Any] = call.params["view"]
    return view


def test_the_answers_are_stored_with_the_clocks_time_and_show_on_home(bot: Bot) -> None:
    view = open_reflect(bot)
    assert view["callback_id"] == ids.VIEW_REFLECT
    assert view["private_metadata"] == EMPLOYEE
    assert_slack_accepts(view)
    answer = submit(bot, view, ANSWERS).json()
    assert answer["response_action"] == "update"
    assert "Saved." in str(answer["view"]["blocks"])
    assert_slack_accepts(answer["view"])
    [saved] = history(bot)
    assert saved.saved_at == bot.clock.now
    assert saved.reflection.energy == "Pairing on hard bugs"
    assert saved.reflection.why == (Why.CHALLENGES, Why.IMPACT)
    assert saved.reflection.direction is Direction.NEXT_STEP
    home = home_after(bot, 1)
    shown = str(home["blocks"])
    assert f"*Your last reflection* (<!date^{int(bot.clock.now.timestamp())}^" in shown
    assert "21 Nov 2026" in shown
    for words in ("Pairing on hard bugs", "Leading the platform team", "New challenges, More impact", "next step"):
        assert words in shown
    assert_slack_accepts(home)


def test_a_second_reflection_keeps_the_first_opens_prefilled_and_home_shows_the_latest(bot: Bot) -> None:
    submit(bot, open_reflect(bot), ANSWERS)
    first_at = bot.clock.now
    bot.clock.advance(days=90)
    view = open_reflect(bot)
    prefilled = state_from_initial(view)
    assert prefilled[ids.BLOCK_ENERGY][ids.ELEMENT]["value"] == "Pairing on hard bugs"
    assert prefilled[ids.BLOCK_REFLECT_YEAR][ids.ELEMENT]["value"] == "Leading the platform team"
    assert [o["value"] for o in prefilled[ids.BLOCK_WHY][ids.ELEMENT]["selected_options"]] == ["challenges", "impact"]
    assert prefilled[ids.BLOCK_DIRECTION][ids.ELEMENT]["selected_option"]["value"] == "next_step"
    submit(bot, view, {ids.BLOCK_ENERGY: text("Mentoring new hires"), ids.BLOCK_DIRECTION: leaning("not_sure")})
    assert [(s.reflection.energy, s.saved_at) for s in history(bot)] == [
        ("Pairing on hard bugs", first_at),
        ("Mentoring new hires", bot.clock.now),
    ]
    latest = history(bot)[-1].reflection
    assert latest.year_from_now == "Leading the platform team"  # untouched prompts keep what was shown
    shown = str(home_after(bot, 2)["blocks"])
    assert "Mentoring new hires" in shown and "Not sure yet" in shown
    assert "Pairing on hard bugs" not in shown
    assert "19 Feb 2027" in shown


@pytest.mark.parametrize(
    "typed",
    [
        {},
        {ids.BLOCK_ENERGY: text("   "), ids.BLOCK_WHY_WORDS: text(None), ids.BLOCK_WHY: picked()},
    ],
)
def test_an_empty_submission_gets_an_inline_error_and_stores_nothing(
    bot: Bot, typed: dict[str, dict[str, Any]]
) -> None:
    answer = submit(bot, open_reflect(bot), typed).json()
    assert answer == {
        "response_action": "errors",
        "errors": {ids.BLOCK_ENERGY: "Answer at least one of these prompts: any one will do."},
    }
    assert history(bot) == []
    assert bot.slack.calls_to("views.publish") == []


def test_text_over_the_limit_is_refused_on_the_server_too(bot: Bot) -> None:
    answer = submit(bot, open_reflect(bot), {ids.BLOCK_WHY_WORDS: text("x" * 5000)}).json()
    assert answer["response_action"] == "errors"
    assert "Keep this to" in answer["errors"][ids.BLOCK_WHY_WORDS]
    assert history(bot) == []


def test_hostile_text_is_stored_exactly_and_escaped_on_home(bot: Bot) -> None:
    energy = ("&" + HOSTILE * ENERGY_MAX)[:ENERGY_MAX]
    why_words = ("&" + HOSTILE * WHY_WORDS_MAX)[:WHY_WORDS_MAX]
    submit(bot, open_reflect(bot), {ids.BLOCK_ENERGY: text(energy), ids.BLOCK_WHY_WORDS: text(why_words)})
    [saved] = history(bot)
    assert (saved.reflection.energy, saved.reflection.why_words) == (energy, why_words)
    home = home_after(bot, 1)
    for block in home["blocks"]:
        if block["type"] in {"section", "context"}:
            assert "<!channel>" not in str(block) and "<@U0X>" not in str(block)
    assert "&lt;!channel&gt; &lt;@U0X&gt; &amp;" in str(home["blocks"])
    assert_slack_accepts(home)
    again = open_reflect(bot)  # and the prompts reopen with the text as typed, within max_length
    assert state_from_initial(again)[ids.BLOCK_ENERGY][ids.ELEMENT]["value"] == energy
    assert_slack_accepts(again)


@pytest.mark.parametrize("metadata", [EMPLOYEE, "", "U0SOMEONE"])
def test_a_submission_opened_for_someone_else_is_refused_and_stores_nothing(bot: Bot, metadata: str) -> None:
    view = {**open_reflect(bot), "private_metadata": metadata}
    answer = submit(bot, view, ANSWERS, user_id=INTRUDER).json()
    assert answer["response_action"] == "update"
    assert "opened for someone else" in str(answer["view"]["blocks"])
    assert all_reflections(bot) == 0
    assert bot.slack.calls_to("views.publish") == []


def test_the_intruders_own_modal_never_shows_the_first_persons_answers(bot: Bot) -> None:
    submit(bot, open_reflect(bot), ANSWERS)
    theirs = open_reflect(bot, user_id=INTRUDER)
    assert theirs["private_metadata"] == INTRUDER
    assert "Pairing on hard bugs" not in str(theirs)


def test_the_home_button_opens_the_prompts_prefilled(bot: Bot) -> None:
    submit(bot, open_reflect(bot), ANSWERS)
    before = len(bot.slack.calls_to("views.open"))
    result = bot.send.interactive(block_action({"action_id": ids.ACTION_REFLECT}, container="home"))
    assert result.status == 200
    opened = bot.slack.wait_for("views.open", before + 1)[-1].params
    assert opened["trigger_id"]
    assert opened["view"]["callback_id"] == ids.VIEW_REFLECT
    assert opened["view"]["private_metadata"] == EMPLOYEE
    assert "Pairing on hard bugs" in str(opened["view"])
    assert submit(bot, opened["view"], {ids.BLOCK_ENERGY: text("From Home")}).json()["response_action"] == "update"
    assert [s.reflection.energy for s in history(bot)] == ["Pairing on hard bugs", "From Home"]


def test_a_command_without_a_trigger_gets_a_clear_private_answer(bot: Bot) -> None:
    body = f"command=%2Fcareerplan&text=reflect&team_id={TEAM_ID}&user_id={EMPLOYEE}".encode()
    answer = bot.send.post_raw(body, "application/x-www-form-urlencoded").json()
    assert answer["response_type"] == "ephemeral"
    assert "can't open the prompts" in answer["text"]
    assert bot.slack.calls_to("views.open") == []


def test_the_log_names_ids_only_never_the_answers(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="careerplan")
    submit(bot, open_reflect(bot), {ids.BLOCK_ENERGY: text("my secret wish")})
    home_after(bot, 1)  # the listener has finished once Home is published
    assert f"reflection saved for {TEAM_ID}/{EMPLOYEE}" in caplog.messages
    assert "my secret wish" not in caplog.text
