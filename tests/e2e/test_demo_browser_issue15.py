"""Issue 15's flows in the demo, in a real headless browser, as a visitor walks them with the seeded people:

- Ana closes her focus gap with a word: Home shows the next focus and the closed gap with its date; Ben, her
  manager, sees the same in View plan (without her buttons); she reopens it.
- Ana asks Fay for gaps from Home (a users_select); Fay suggests two from her DM; Ana adds one to her plan.
- Ana shares her plan with Eve from Home; Eve opens it read-only from her DM and sends feedback from a pushed
  modal (views.push); Ana sees it on Home and in Messages, and nobody else sees what was written.

Screenshots are kept in test-artifacts/."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest

from bot.career.plan import human_date
from bot.slack import ids
from bot.slack.blocks.asks import SUGGEST_TITLE
from bot.slack.blocks.asks import TITLE as ASK_TITLE
from bot.slack.blocks.feedback import TITLE as FEEDBACK_TITLE
from bot.slack.blocks.gaps import CLOSE_TITLE
from bot.slack.blocks.lines import TITLE as PLAN_VIEW_TITLE
from bot.slack.blocks.sharing import SHARE_WITH_TITLE
from tests.browser import Page, chromium, skip_without_browser
from tests.demo import ANA, BEN, CAI, DAN, EVE, FAY, RunningDemo, running_demo

pytestmark = pytest.mark.e2e

# Ana's seeded plan (bot/demo/org.py): three gaps, the first the focus.
FIRST_GAP, SECOND_GAP, THIRD_GAP = "Leading design reviews", "Planning a quarter", "Mentoring a new hire"
HOW_CLOSED = "Ran three reviews <!channel> & *bold*"
SUGGESTED = ("Saying no to side quests", "Writing the quarter's plan down")
FEEDBACK = "Strong plan <@U0DEMOBEN> & *go* for the reviews"
UNRENDERED = "not shown by the demo"


@pytest.fixture
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDemo]:
    skip_without_browser()
    with running_demo(tmp_path_factory.mktemp("demo") / "data") as running:
        yield running


@pytest.fixture
def page(demo: RunningDemo) -> Iterator[Page]:
    with chromium() as driver:
        shown = Page(driver, demo.url)
        shown.open()
        yield shown


def demo_date(page: Page) -> date:
    return date.fromisoformat(page.text("#demo-date").split()[-1])


def modals_open(page: Page) -> int:
    """How many views the person's modal stack holds (the page shows "‹ N" above a pushed one)."""
    if not page.all_css("#modal-layer .modal"):
        return 0
    stack = page.text("#modal-layer .modal-head .stack")
    return int(stack.strip("‹ ")) if stack else 1


def close_modals(page: Page) -> None:
    """Close every open modal, top first, as a person clicks Cancel or Close until none is left."""
    while (depth := modals_open(page)) > 0:
        page.by_css("#modal-close").click()
        page.until(lambda: modals_open(page) < depth, "the top modal closed")


def shown(page: Page, css: str) -> str:
    """What `css` shows, its whitespace run together (a list item's number and text are separate elements)."""
    return " ".join(page.text(css).split())


def looks_whole(page: Page, css: str) -> None:
    """Nothing the renderer could not show, and no raw Block Kit JSON, in what `css` shows."""
    text = page.text(css)
    assert UNRENDERED not in text, text
    assert '"type":' not in text and '"blocks"' not in text, text


def test_one_gap_at_a_time_ask_for_gaps_share_and_feedback(demo: RunningDemo, page: Page) -> None:
    today = demo_date(page)

    # -- Ana closes her focus gap with a word, then reopens it ------------------------------------------------
    page.be(ANA)
    page.until(lambda: f"Focus gap: {FIRST_GAP}" in page.text("#home"), "Ana's focus gap")
    page.click_button("Closed it", "#home")
    page.wait_for_modal(CLOSE_TITLE)
    assert FIRST_GAP in page.text("#modal-layer")
    page.type_into(ids.BLOCK_CLOSED_NOTE, HOW_CLOSED)
    page.submit()
    page.until(lambda: f"Your focus now: {SECOND_GAP}" in page.text("#modal-layer"), "the gap closed")
    close_modals(page)
    page.until(lambda: f"Focus gap: {SECOND_GAP}" in page.text("#home"), "the next gap as the focus")
    home = page.text("#home")
    assert f"✓ {FIRST_GAP} — closed {human_date(today)}: “Ran three reviews <!channel> & bold”" in home, home
    assert "@channel" not in home, "what was typed is text, never a mention"
    assert "Closed gaps" in home and THIRD_GAP in home
    looks_whole(page, "#home")
    page.screenshot("home-after-close-gap")

    # Ben, her manager (she shares with him), reads the same in View plan, without her buttons.
    page.be(BEN)
    ana_row = "//section[@id='home']//div[contains(@class, 'section')][contains(., '@Ana')]"
    page.by_xpath(f"{ana_row}/following-sibling::div[contains(@class, 'actions')][1]//button[.='View plan']").click()
    page.wait_for_modal(PLAN_VIEW_TITLE)
    plan = page.text("#modal-layer")
    assert f"Focus gap: {SECOND_GAP} — the focus since today" in plan, plan
    assert f"✓ {FIRST_GAP} — closed {human_date(today)}" in plan, plan
    assert "Their last reflection" in plan and "/careerplan reflect" not in plan, "it speaks of Ana, to Ben"
    for owners_button in (ids.ACTION_CLOSE_GAP, ids.ACTION_REOPEN_GAP):
        assert not page.all_css(f'#modal-layer button[data-action-id="{owners_button}"]'), owners_button
    looks_whole(page, "#modal-layer")
    page.screenshot("modal-manager-view-plan")
    close_modals(page)

    page.be(ANA)
    page.click_button("Reopen", "#home")
    page.until(lambda: f"Focus gap: {FIRST_GAP}" in page.text("#home"), "the reopened gap as the focus again")
    assert "Closed gaps" not in page.text("#home")

    # -- Ana asks Fay for gaps; Fay suggests two; Ana adds one --------------------------------------------------
    page.click_button("Ask for gaps", "#home")
    page.wait_for_modal(ASK_TITLE)
    page.choose(ids.BLOCK_ASK_WHO, "Fay (manager's manager)")
    page.type_into(ids.BLOCK_ASK_NOTE, "Before my review <!here>")
    looks_whole(page, "#modal-layer")
    page.screenshot("modal-ask-for-gaps")
    page.choose(ids.BLOCK_ASK_WHO, "Choose a person")
    page.submit()
    page.until(lambda: page.error_on(ids.BLOCK_ASK_WHO), "the inline error: nobody chosen")
    page.choose(ids.BLOCK_ASK_WHO, "Ana (employee)")
    page.submit()
    page.until(lambda: "Ask someone else" in page.error_on(ids.BLOCK_ASK_WHO), "the inline error: not yourself")
    assert page.field(ids.BLOCK_ASK_NOTE).get_attribute("value") == "Before my review <!here>", "the note stays"
    page.choose(ids.BLOCK_ASK_WHO, "Fay (manager's manager)")
    page.submit()
    page.until(lambda: "Fay" in page.text("#modal-layer .modal-body"), "the ask sent to Fay")
    close_modals(page)

    page.be(FAY)
    page.tab("messages")
    page.until(lambda: "Before my review" in page.text("#dm"), "Ana's ask in Fay's DM")
    looks_whole(page, "#dm")
    page.screenshot("dm-ask-for-gaps")
    page.click_action_in_message(ids.ACTION_SUGGEST, "Ana")
    page.wait_for_modal(SUGGEST_TITLE)
    looks_whole(page, "#modal-layer")
    page.type_into(ids.BLOCK_SUGGESTED_GAP.format(0), SUGGESTED[0])
    page.type_into(ids.BLOCK_SUGGESTED_GAP.format(1), SUGGESTED[1])
    page.submit()
    page.until(lambda: "Thank you" in page.text("#modal-layer"), "the suggestions sent")
    close_modals(page)
    page.until(lambda: "Sent. Thank you" in page.text("#dm"), "Fay's DM without its buttons")

    page.be(ANA)
    page.tab("home")
    page.until(lambda: SUGGESTED[0] in page.text("#home"), "Fay's suggestions on Ana's Home")
    assert SUGGESTED[1] in page.text("#home")
    looks_whole(page, "#home")
    page.screenshot("home-suggestions")
    page.click_button("Add to my gaps", "#home")
    page.until(lambda: f"4. {SUGGESTED[0]}" in shown(page, "#home"), "the suggestion among Ana's gaps")

    # -- Ana shares with Eve; Eve reads the plan and sends feedback; Ana sees it --------------------------------
    page.click_button("Share with someone", "#home")
    page.wait_for_modal(SHARE_WITH_TITLE)
    page.choose(ids.BLOCK_SHARE_WITH, "Ana (employee)")
    page.submit()
    page.until(lambda: "name someone else" in page.error_on(ids.BLOCK_SHARE_WITH), "the inline error: not yourself")
    page.choose(ids.BLOCK_SHARE_WITH, "Eve (new here, no plan yet)")
    page.submit()
    page.until(lambda: "Eve" in page.text("#modal-layer .modal-body"), "the plan shared with Eve")
    close_modals(page)

    page.be(EVE)
    page.tab("messages")
    page.click_action_in_message(ids.ACTION_VIEW_PLAN, "Ana")
    page.wait_for_modal(PLAN_VIEW_TITLE)
    plan = page.text("#modal-layer")
    assert FIRST_GAP in plan and SUGGESTED[0] in plan, plan
    assert not page.all_css(f'#modal-layer button[data-action-id="{ids.ACTION_CLOSE_GAP}"]'), "read-only"
    looks_whole(page, "#modal-layer")
    page.screenshot("modal-view-plan")
    page.click_action(ids.ACTION_FEEDBACK, "#modal-layer")
    page.wait_for_modal(FEEDBACK_TITLE)
    page.type_into(ids.BLOCK_FEEDBACK, FEEDBACK)
    looks_whole(page, "#modal-layer")
    page.screenshot("modal-feedback")
    page.field(ids.BLOCK_FEEDBACK).clear()
    page.submit()
    page.until(lambda: page.error_on(ids.BLOCK_FEEDBACK), "the inline error: no feedback written")
    assert modals_open(page) == 2, "the form stays, over the plan"
    page.type_into(ids.BLOCK_FEEDBACK, FEEDBACK)
    page.submit()
    page.until(lambda: "sent" in page.text("#modal-layer .modal-body").lower(), "the feedback sent")
    page.by_css("#modal-close").click()
    page.wait_for_modal(PLAN_VIEW_TITLE)  # back to the plan under it, as Slack goes back down the stack
    assert modals_open(page) == 1
    close_modals(page)

    page.be(ANA)
    page.tab("home")
    shown_feedback = "Strong plan <@U0DEMOBEN> & go for the reviews"
    page.until(lambda: shown_feedback in page.text("#home"), "the feedback on Ana's Home")
    looks_whole(page, "#home")
    feedback_on_home = next(b for b in page.all_css("#home .block") if shown_feedback in b.text)
    page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", feedback_on_home)
    page.screenshot("home-feedback")
    page.tab("messages")
    page.until(lambda: shown_feedback in page.text("#dm"), "the feedback in Ana's Messages")
    looks_whole(page, "#dm")
    page.screenshot("dm-feedback")

    # -- nobody else's Slack shows what was written for Ana alone -----------------------------------------------
    may_see = {SUGGESTED[1]: {ANA}, "Strong plan": {ANA}, "Before my review": {ANA, FAY}}
    for user in (ANA, BEN, CAI, DAN, EVE, FAY):
        seen = json.dumps(demo.state(user), ensure_ascii=False)  # their Home, DM and modals, as the page gets them
        for words, readers in may_see.items():
            assert user in readers or words not in seen, (words, user)


def test_fay_the_admin_sees_the_workspace_counts_and_has_the_report_sent_to_her_dm(page: Page) -> None:
    """Issue 16: the demo's admin; the counts are drawn from Slack's section fields, small groups suppressed."""
    page.be(FAY)
    page.tab("home")
    page.until(lambda: "Send me the full report" in page.text("#home"), "Fay's Workspace section")
    home = page.text("#home")
    assert "Workspace" in home and "People" in home and "fewer than 5" in home, home  # six people: mostly small
    page.screenshot("home-admin-workspace")
    page.click_button("Send me the full report", "#home")
    page.tab("messages")
    page.until(lambda: "careerplan report, " in page.text("#messages"), "the report's file in Fay's DM")
    assert "HTML" in page.text("#messages .file-icon")
    page.screenshot("dm-admin-report")
    page.be(ANA)
    page.tab("home")
    page.until(lambda: "Ask for gaps" in page.text("#home"), "Ana's Home")
    assert "Send me the full report" not in page.text("#home")
