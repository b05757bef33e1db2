"""F1 through real signed HTTP requests: /careerplan → goal → steps → gaps → a saved version → Home."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.models.views import View
from sqlalchemy import func, select

from bot.career.plan import GOAL_TEXT_MAX
from bot.slack import ids
from storage import people
from storage import plans as store
from storage.models import PlanVersion
from tests.slackbot import EMPLOYEE, Bot, eventually, text, walk_wizard
from tests.slackhttp import app_home_opened
from tests.slackstate import assert_slack_accepts

HOSTILE_GOAL = ("<!channel> <@U0BOSS> <http://x|y> & " * 40)[:GOAL_TEXT_MAX]


def versions(bot: Bot) -> int:
    with bot.db.session() as session:
        return session.scalar(select(func.count()).select_from(PlanVersion)) or 0


def test_walking_the_three_views_saves_a_version_and_publishes_home(bot: Bot) -> None:
    modal = bot.open_wizard()
    assert modal.page == ids.VIEW_GOAL
    View(**modal.view).validate_json()
    walk_wizard(modal)
    assert "version 1" in str(modal.view["blocks"])
    assert versions(bot) == 1
    home = bot.slack.wait_for("views.publish")[-1].params
    assert home["user_id"] == EMPLOYEE
    shown = str(home["view"]["blocks"])
    assert "Lead a platform team" in shown
    assert "Senior engineer" in shown and "30 Sep 2027" in shown
    assert "*Focus gap:* Leading design reviews" in shown
    assert_slack_accepts(home["view"])


def test_opening_again_is_prefilled_from_the_latest_version(bot: Bot) -> None:
    walk_wizard(bot.open_wizard())
    modal = bot.open_wizard()
    goal_block = next(b for b in modal.view["blocks"] if b.get("block_id") == ids.BLOCK_GOAL_TEXT)
    assert goal_block["element"]["initial_value"] == "Lead a platform team"
    modal.submit()
    step = next(b for b in modal.view["blocks"] if b.get("block_id") == "step_title_1")
    assert step["element"]["initial_value"] == "Staff engineer"
    modal.submit()
    modal.submit()
    assert versions(bot) == 2


def test_back_keeps_what_was_typed_on_both_pages(bot: Bot) -> None:
    modal = bot.open_wizard()
    modal.submit(
        {
            ids.BLOCK_GOAL_KIND: {"selected_option": {"value": "reach_senior"}},
            ids.BLOCK_GOAL_TEXT: text("typed on page one"),
        }
    )
    modal.click(ids.ACTION_BACK, {"step_title_0": text("typed on page two"), "step_words_0": text("not yet a date")})
    assert modal.page == ids.VIEW_GOAL
    assert "typed on page one" in str(modal.view["blocks"])
    modal.submit()
    assert modal.page == ids.VIEW_STEPS
    assert "typed on page two" in str(modal.view["blocks"])
    assert "not yet a date" in str(modal.view["blocks"])


def test_add_a_step_shows_one_more_row_and_keeps_the_rest(bot: Bot) -> None:
    modal = bot.open_wizard()
    modal.submit({ids.BLOCK_GOAL_KIND: {"selected_option": {"value": "keep_improving"}}})
    rows = sum(1 for b in modal.view["blocks"] if str(b.get("block_id", "")).startswith("step_title_"))
    modal.click(ids.ACTION_ADD_STEP, {"step_title_0": text("Public speaking")})
    after = sum(1 for b in modal.view["blocks"] if str(b.get("block_id", "")).startswith("step_title_"))
    assert after == rows + 1
    assert "Public speaking" in str(modal.view["blocks"])


@pytest.mark.parametrize(
    ("typed", "block_id", "says"),
    [
        ({"step_title_0": text("Senior"), "step_words_0": text("when the stars align")}, "step_words_0", "Q3 2027"),
        ({"step_title_0": text("Senior"), "step_words_0": text("2025")}, "step_words_0", "has passed"),
        ({"step_title_0": text("Senior")}, "step_words_0", "Give this step a target"),
        (
            {
                "step_title_0": text("Staff"),
                "step_words_0": text("2030"),
                "step_title_1": text("Senior"),
                "step_words_1": text("2027"),
            },
            "step_words_1",
            "in order",
        ),
    ],
)
def test_invalid_steps_get_an_inline_error_on_that_field(
    bot: Bot, typed: dict[str, dict[str, Any]], block_id: str, says: str
) -> None:
    modal = bot.open_wizard()
    modal.submit({ids.BLOCK_GOAL_KIND: {"selected_option": {"value": "reach_senior"}}})
    answer = modal.submit(typed).json()
    assert answer["response_action"] == "errors"
    assert says in answer["errors"][block_id]
    assert modal.page == ids.VIEW_STEPS
    assert versions(bot) == 0


def test_a_missing_goal_is_an_inline_error(bot: Bot) -> None:
    answer = bot.open_wizard().submit({ids.BLOCK_GOAL_KIND: {"selected_option": {"value": "own"}}}).json()
    assert answer == {"response_action": "errors", "errors": {ids.BLOCK_GOAL_TEXT: "Write your goal in a few words."}}


def test_with_no_goal_chosen_saying_you_are_senior_picks_keep_improving_and_back_shows_it(bot: Bot) -> None:
    modal = bot.open_wizard()
    senior = next(b for b in modal.view["blocks"] if b.get("block_id") == ids.BLOCK_IS_SENIOR)
    assert senior["label"]["text"] == "Are you at the senior level already?"
    modal.submit(
        {ids.BLOCK_GOAL_KIND: {"selected_option": None}, ids.BLOCK_IS_SENIOR: {"selected_option": {"value": "yes"}}}
    )
    assert modal.page == ids.VIEW_STEPS
    modal.click(ids.ACTION_BACK)
    goal = next(b for b in modal.view["blocks"] if b.get("block_id") == ids.BLOCK_GOAL_KIND)
    assert goal["element"]["initial_option"]["value"] == "keep_improving"  # picked, and still editable


def test_a_default_goal_that_contradicts_the_senior_answer_is_an_inline_error(bot: Bot) -> None:
    answer = (
        bot.open_wizard()
        .submit(
            {
                ids.BLOCK_GOAL_KIND: {"selected_option": {"value": "reach_senior"}},
                ids.BLOCK_IS_SENIOR: {"selected_option": {"value": "yes"}},
            }
        )
        .json()
    )
    assert answer["response_action"] == "errors"
    assert "Keep improving" in answer["errors"][ids.BLOCK_IS_SENIOR]
    assert versions(bot) == 0


def test_a_goal_over_the_limit_is_refused_on_the_server_too(bot: Bot) -> None:
    modal = bot.open_wizard()
    answer = modal.submit(
        {ids.BLOCK_GOAL_KIND: {"selected_option": {"value": "own"}}, ids.BLOCK_GOAL_TEXT: text("x" * 5000)}
    ).json()
    assert "Keep this to" in answer["errors"][ids.BLOCK_GOAL_TEXT]


def test_hostile_goal_is_stored_exactly_and_escaped_everywhere_in_mrkdwn(bot: Bot) -> None:
    modal = bot.open_wizard()
    walk_wizard(modal, goal=HOSTILE_GOAL)
    with bot.db.session() as session:
        person = people.find_person_id(session, "T0FAKE", EMPLOYEE)
        assert person is not None
        saved = store.latest_plan(session, person)
    assert saved is not None
    assert saved.plan.goal.text == HOSTILE_GOAL.strip()
    home = bot.slack.wait_for("views.publish")[-1].params["view"]
    for view in [*modal.shown, home]:
        for block in view["blocks"]:
            if block["type"] in {"section", "context"}:
                assert "<!channel>" not in str(block) and "<@U0BOSS>" not in str(block)
    steps_page = next(v for v in modal.shown if v.get("callback_id") == ids.VIEW_STEPS)
    assert "&lt;!channel&gt;" in str(steps_page["blocks"][0])
    assert "&lt;!channel&gt; &lt;@U0BOSS&gt; &lt;http://x|y&gt; &amp;" in str(home)
    assert_slack_accepts(home)


def test_someone_else_submitting_a_replayed_view_never_sees_the_first_persons_answers(bot: Bot) -> None:
    walk_wizard(bot.open_wizard(), goal="Alice's private goal")
    intruder = bot.open_wizard(user_id="U0INTRUDER")
    assert "Alice's private goal" not in str(intruder.view)
    intruder.view_id = "VWIZARD1"  # replaying Alice's modal id changes nothing: drafts are per person
    intruder.submit({ids.BLOCK_GOAL_KIND: {"selected_option": {"value": "reach_senior"}}})
    assert "Alice's private goal" not in str(intruder.view)


def test_cancelling_the_wizard_discards_the_draft(bot: Bot) -> None:
    modal = bot.open_wizard()
    modal.submit({ids.BLOCK_GOAL_KIND: {"selected_option": {"value": "own"}}, ids.BLOCK_GOAL_TEXT: text("draft")})
    closed = {
        "type": "view_closed",
        "team": {"id": "T0FAKE", "domain": "fake"},
        "user": {"id": EMPLOYEE, "team_id": "T0FAKE"},
        "view": {**modal.view, "id": modal.view_id, "root_view_id": modal.view_id},
        "is_cleared": False,
    }
    assert bot.send.interactive(closed).status == 200

    def discarded() -> bool:
        with bot.db.session() as session:
            person = people.find_person_id(session, "T0FAKE", EMPLOYEE)
            assert person is not None
            return store.get_draft(session, person, modal.view_id) is None

    eventually(discarded, "discarding the draft")  # the listener acks first, then discards


def test_home_opened_publishes_the_empty_state_then_the_plan(bot: Bot) -> None:
    assert bot.send.event(app_home_opened()).status == 200
    first = bot.slack.wait_for("views.publish")[-1].params["view"]
    assert "Write my plan" in str(first)
    walk_wizard(bot.open_wizard())
    bot.send.event(app_home_opened())
    latest = bot.slack.wait_for("views.publish", 3)[-1].params["view"]
    assert "Lead a platform team" in str(latest)


def test_home_edit_button_opens_the_wizard(bot: Bot) -> None:
    from tests.slackhttp import block_action

    before = len(bot.slack.calls_to("views.open"))
    result = bot.send.interactive(block_action({"action_id": ids.ACTION_EDIT_PLAN}, container="home"))
    assert result.status == 200
    opened = bot.slack.wait_for("views.open", before + 1)[-1].params
    assert opened["view"]["callback_id"] == ids.VIEW_GOAL
    assert opened["trigger_id"]
