"""The demo in a real headless browser (issue 14), as a visitor walks it: write a plan in the wizard (Back keeps
the text, a bad date shows its inline error), name a manager, switch to the manager and confirm, share, jump to
the due date and see the reminder, log a conversation with an experiment, jump past its end and answer what it
taught, export, delete. Each step checks what the page shows; screenshots of Home and of a modal are kept in
test-artifacts/."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest

from bot.career.cadence import Outcome
from bot.slack import ids
from bot.slack.blocks.conversations import LOG_TITLE
from bot.slack.blocks.own_data import DELETE_TITLE
from bot.slack.blocks.plans import TITLE as PLAN_TITLE
from tests.browser import Page, chromium, skip_without_browser
from tests.demo import BEN, EVE, running_demo

pytestmark = pytest.mark.e2e

GOAL = "Lead design <script>window.pwned = 1</script> & *stay* kind"


@pytest.fixture
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    skip_without_browser()
    with running_demo(tmp_path_factory.mktemp("demo") / "data") as demo, chromium() as driver:
        shown = Page(driver, demo.url)
        shown.open()
        yield shown


def demo_date(page: Page) -> date:
    return date.fromisoformat(page.text("#demo-date").split()[-1])


def jump_to(page: Page, day: date) -> None:
    field = page.by_css("#jump-date")
    page.driver.execute_script("arguments[0].value = arguments[1]", field, day.isoformat())
    page.by_css("#jump").click()
    page.until(lambda: demo_date(page) == day, f"the demo date {day}")


def working_day(day: date) -> date:
    """`day`, or the Monday after it if it is a weekend: the demo's people get reminders on working days only."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def due_date_of(page: Page, user: str) -> date:
    """The next due date Ben's Home shows for `user`'s line."""
    name = {EVE: "@Eve"}[user]
    home = page.text("#home")
    found = re.search(re.escape(name) + r"\nnext conversation due (\d+ \w+ \d{4})", home)
    assert found, home
    return datetime.strptime(found.group(1), "%d %b %Y").date()


def test_a_visitor_walks_the_whole_product(page: Page) -> None:
    # -- Eve writes her plan ---------------------------------------------------------------------------------
    page.be(EVE)
    assert "Where do you want your career to go?" in page.text("#home")
    page.click_button("Write my plan", "#home")
    page.wait_for_modal(PLAN_TITLE)
    page.pick(ids.BLOCK_GOAL_KIND, "A goal of my own")
    page.type_into(ids.BLOCK_GOAL_TEXT, GOAL)
    page.screenshot("modal-plan-goal")
    page.submit()
    page.until(lambda: page.all_css('#modal-layer [data-block-id="step_title_0"]'), "the steps page")
    page.type_into("step_title_0", "Senior designer")
    page.type_into("step_words_0", "someday soon")
    page.submit()
    page.until(lambda: page.error_on("step_words_0"), "the inline error on the bad date")
    assert page.field("step_title_0").get_attribute("value") == "Senior designer", "an error keeps what was typed"
    page.click_action(ids.ACTION_BACK, "#modal-layer")
    page.until(lambda: page.all_css(f'#modal-layer [data-block-id="{ids.BLOCK_GOAL_TEXT}"]'), "the goal page again")
    assert page.field(ids.BLOCK_GOAL_TEXT).get_attribute("value") == GOAL, "Back keeps the goal as typed"
    page.submit()
    page.until(lambda: page.all_css('#modal-layer [data-block-id="step_title_0"]'), "the steps page again")
    assert page.field("step_title_0").get_attribute("value") == "Senior designer", "Back kept the step too"
    assert page.error_on("step_words_0") == "", "the error went with the view it was for"
    page.type_into("step_words_0", "in 9 months")
    page.submit()
    page.until(lambda: page.all_css('#modal-layer [data-block-id="gap_0"]'), "the gaps page")
    page.type_into("gap_0", "Presenting to leadership")
    page.submit()
    page.until(lambda: "version 1" in page.text("#modal-layer"), "the saved plan")
    page.by_css("#modal-close").click()
    page.until(lambda: not page.all_css("#modal-layer .modal"), "the modal closed")
    home = page.text("#home")
    # What was typed is shown as text; Slack's own mrkdwn (*bold*) still works in it, as in Slack.
    assert "Lead design <script>window.pwned = 1</script> & stay kind" in home, "user text is shown as typed"
    assert "stay" in page.text("#home b")
    assert page.driver.execute_script("return window.pwned") is None, "and never runs"
    assert not page.all_css("#home script")
    page.screenshot("home-eve-with-plan")

    # -- Eve names Ben; Ben confirms; Eve shares --------------------------------------------------------------
    page.command("/careerplan manager @Ben")
    page.until(lambda: "Ben" in page.text("#dm"), "Eve told the request went to Ben")
    page.be(BEN)
    page.tab("messages")
    page.click_action(ids.ACTION_LINE_CONFIRM, "#dm")
    page.until(lambda: "(edited)" in page.text("#dm"), "the request updated in place")
    page.be(EVE)
    page.tab("messages")
    page.click_action(ids.ACTION_SHARE, "#dm")
    page.be(BEN)
    page.tab("home")
    page.until(lambda: "@Eve" in page.text("#home"), "Eve on Ben's team")

    # -- the clock: the due date, the reminder, the log with an experiment ------------------------------------
    due = due_date_of(page, EVE)
    jump_to(page, working_day(due))
    page.tab("messages")
    page.until(lambda: re.search(r"@Eve.*due", page.text("#dm")), "the reminder about Eve")
    page.click_action_in_message(ids.ACTION_LOG, "@Eve")
    page.wait_for_modal(LOG_TITLE)
    assert "@Eve" in page.text("#modal-layer")
    page.type_into(ids.BLOCK_NOTES, "Eve wants to lead; she will try running the design critique.")
    page.choose(ids.BLOCK_EXPERIMENT_KIND.format(0), "Stretch assignment")
    page.type_into(ids.BLOCK_EXPERIMENT_WHAT.format(0), "Run the weekly design critique")
    asked_on = working_day(due + timedelta(days=22))  # the experiment is asked about the working day it ended
    ends = asked_on - timedelta(days=1)
    page.set_date(ids.BLOCK_EXPERIMENT_ENDS.format(0), ends.isoformat())
    page.screenshot("modal-log-conversation")
    page.submit()
    page.until(lambda: "Run the weekly design critique" in page.text("#modal-layer"), "the logged conversation")
    page.by_css("#modal-close").click()

    jump_to(page, asked_on)
    keep_going = ids.ACTION_OUTCOME_PREFIX + Outcome.KEEP_GOING.value
    page.click_action_in_message(keep_going, "Run the weekly design critique")

    def answered() -> bool:
        asked = [m for m in page.all_css("#dm .message") if "What did it teach?" in m.text]
        message = asked[-1]
        shown = str(message.text)
        buttons = message.find_elements("css selector", "button")
        return "Run the weekly design critique" in shown and "recorded “Keep going”" in shown and not buttons

    page.until(answered, "the answer in place of the buttons")

    # -- Eve exports, then deletes ------------------------------------------------------------------------------
    page.be(EVE)
    page.command("/careerplan export")
    link = page.until(lambda: page.all_css("#dm .file a.download"), "the exported file")[-1]
    with urllib.request.urlopen(link.get_attribute("href"), timeout=10) as answer:
        markdown = answer.read().decode()
    assert "Presenting to leadership" in markdown and "What career goal do you have?" in markdown
    page.command("/careerplan delete")
    page.wait_for_modal(DELETE_TITLE)
    page.submit()
    page.until(lambda: "deleted" in page.text("#modal-layer").lower(), "the answers deleted")
    page.by_css("#modal-close").click()
    page.tab("home")
    page.until(lambda: "Where do you want your career to go?" in page.text("#home"), "Home without a plan")
    page.screenshot("home-eve-after-delete")
