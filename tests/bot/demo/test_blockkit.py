"""The page's Block Kit renderer (bot/demo/static/blockkit.js) in a real browser: every block and element the bot's
builders emit renders (none falls to the placeholder), an unknown one shows a visible placeholder, and mrkdwn is
shown as Slack shows it, with what people typed as text, never as HTML."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.career.conversation import ConversationForm
from bot.career.plan import PlanForm, WizardPage
from bot.slack.blocks import conversations, own_data, plans, reflections, sharing, welcome
from tests.browser import Page, chromium, skip_without_browser
from tests.demo import ANA, BEN, CAI, DAN, EVE, FAY, RunningDemo, running_demo

BLOCKS_SOURCE = Path(__file__).resolve().parents[3] / "bot" / "slack" / "blocks"
RENDERER = Path(__file__).resolve().parents[3] / "bot" / "demo" / "static" / "blockkit.js"
# Types the builders name that are not blocks or elements: views and text objects.
NOT_RENDERED_AS_BLOCKS = {"modal", "home", "mrkdwn", "plain_text"}


def test_the_renderer_knows_every_type_the_builders_name() -> None:
    emitted = set()
    for source in BLOCKS_SOURCE.glob("*.py"):
        emitted |= set(re.findall(r'"type": "([a-z_]+)"', source.read_text()))
    known = set(re.findall(r'case "([a-z_]+)":', RENDERER.read_text()))
    assert emitted - NOT_RENDERED_AS_BLOCKS, "the builders name their types as expected"
    assert emitted - NOT_RENDERED_AS_BLOCKS <= known, f"not rendered: {emitted - NOT_RENDERED_AS_BLOCKS - known}"
    issue_14 = {"section", "context", "header", "divider", "actions", "button", "input", "plain_text_input"}
    issue_14 |= {"datepicker", "radio_buttons", "checkboxes", "static_select", "users_select", "number_input"}
    assert issue_14 <= known


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDemo]:
    with running_demo(tmp_path_factory.mktemp("demo") / "data") as running:
        yield running


@pytest.fixture(scope="module")
def page(demo: RunningDemo) -> Iterator[Page]:
    skip_without_browser()
    with chromium() as driver:
        shown = Page(driver, demo.url)
        shown.open()
        yield shown


def built_views() -> dict[str, list[dict[str, Any]]]:
    """Views the builders make without a database: every wizard page, the reflection, log, skip, delete, share and
    welcome views, and the welcome DM."""
    today = date(2026, 12, 2)
    views: dict[str, list[dict[str, Any]]] = {
        f"wizard {p.value}": plans.build_page(p, PlanForm())["blocks"] for p in WizardPage
    }
    views["reflect"] = reflections.reflect_view(None)["blocks"]
    views["log"] = conversations.log_view(ANA, today, ConversationForm(), 3)["blocks"]
    views["skip"] = conversations.skip_view(ANA, today)["blocks"]
    views["delete"] = own_data.delete_confirm_view()["blocks"]
    views["deleted"] = own_data.deleted_view({})["blocks"]
    views["name manager"] = welcome.name_manager_view()["blocks"]
    views["share with"] = sharing.share_with_view()["blocks"]
    views["welcome DM"] = welcome.welcome_message()[1]
    return views


def shown_by_the_bot(demo: RunningDemo) -> dict[str, list[dict[str, Any]]]:
    """What the running bot shows its demo people: each Home tab and DM, and the modals its commands open."""
    views: dict[str, list[dict[str, Any]]] = {}
    for user in (ANA, BEN, CAI, DAN, EVE, FAY):
        state = demo.api("/api/home", {"user": user})
        views[f"home {user}"] = state["home"]["blocks"]
        for message in state["dm"]:
            views[f"dm {user} {message['ts']}"] = message["blocks"]
    for user, text in ((ANA, "/careerplan"), (ANA, "/careerplan reflect"), (BEN, "/careerplan log @Ana")):
        state = demo.api("/api/command", {"user": user, "text": text})
        if state["modals"]:
            views[f"{text} by {user}"] = state["modals"][-1]["blocks"]
            demo.api("/api/close", {"user": user})
    state = demo.api(
        "/api/action",
        {"user": ANA, "where": "home", "action": {"action_id": "careerplan.reminder_settings"}},
    )
    views["reminder settings"] = state["modals"][-1]["blocks"]
    demo.api("/api/close", {"user": ANA})
    return {name: blocks for name, blocks in views.items() if blocks}


RENDER = """
const [blocks, people] = arguments;
const root = window.BlockKit.renderBlocks(blocks, {people, form: [], onAction: () => {}, errors: {}});
const box = document.createElement('div');
box.id = 'render-test';
box.appendChild(root);
document.getElementById('render-test')?.remove();
document.body.appendChild(box);
return {
  top: root.children.length,
  unknown: [...root.querySelectorAll('.unknown')].map(n => n.textContent),
  text: root.innerText,
  html: root.innerHTML,
};
"""


def render(page: Page, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    people = [{"id": ANA, "name": "Ana", "label": "Ana (employee)"}, {"id": BEN, "name": "Ben", "label": "Ben"}]
    shown: dict[str, Any] = page.driver.execute_script(RENDER, blocks, people)
    return shown


def test_every_view_and_message_the_bot_makes_renders_whole(page: Page, demo: RunningDemo) -> None:
    views = {**built_views(), **shown_by_the_bot(demo)}
    kinds: set[str] = set()
    for name, blocks in views.items():
        shown = render(page, blocks)
        assert shown["unknown"] == [], f"{name}: {shown['unknown']}"
        assert shown["top"] == len(blocks), name
        kinds |= {b["type"] for b in blocks}
        for b in blocks:
            for e in [b.get("element"), b.get("accessory"), *b.get("elements", [])]:
                if isinstance(e, dict):
                    kinds.add(e["type"])
    # The walk met the kinds the issue lists (what number_input would need is checked below).
    assert {"section", "context", "header", "divider", "actions", "input", "button"} <= kinds
    assert {"plain_text_input", "datepicker", "radio_buttons", "checkboxes", "static_select", "users_select"} <= kinds


def test_elements_no_builder_uses_yet_render_too(page: Page) -> None:
    def plain(text: str) -> dict[str, str]:
        return {"type": "plain_text", "text": text}

    number = {"type": "number_input", "action_id": "a", "is_decimal_allowed": False, "initial_value": "3"}
    overflow = {"type": "overflow", "action_id": "o", "options": [{"text": plain("One"), "value": "1"}]}
    confirm = {"title": plain("Sure?"), "text": {"type": "mrkdwn", "text": "Really"}, "confirm": plain("Yes")}
    link = {"type": "button", "action_id": "u", "text": plain("Open"), "url": "https://example.com/", "style": "danger"}
    blocks: list[dict[str, Any]] = [
        {"type": "input", "block_id": "n", "label": plain("How many"), "element": number},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "x"},
            "fields": [{"type": "mrkdwn", "text": "*a*"}, plain("b")],
            "accessory": overflow,
        },
        {"type": "actions", "elements": [{**link, "confirm": {**confirm, "deny": plain("No")}}]},
    ]
    shown = render(page, blocks)
    assert shown["unknown"] == []
    assert 'type="number"' in shown["html"] and "<b>a</b>" in shown["html"]
    assert "btn danger" in shown["html"]


def test_an_unknown_block_or_element_shows_a_visible_placeholder(page: Page) -> None:
    shown = render(
        page,
        [
            {"type": "rich_text", "elements": []},
            {"type": "section", "text": {"type": "mrkdwn", "text": "hi"}, "accessory": {"type": "workflow_button"}},
        ],
    )
    assert shown["top"] == 2
    assert len(shown["unknown"]) == 2
    assert "rich_text" in shown["unknown"][0] and "workflow_button" in shown["unknown"][1]
    assert page.by_css("#render-test .unknown").is_displayed()


def test_mrkdwn_is_shown_as_slack_shows_it(page: Page) -> None:
    text = (
        "*bold* _italic_ ~strike~ `code` <https://example.com/a?b=1&amp;c=2|a link> <@U0DEMOANA> <!here>\n"
        "&gt; a quote\n• one\n• two\n```pre *not bold*```\n"
        "&lt;script&gt;alert(1)&lt;/script&gt; <javascript:alert(1)|click> &amp; done"
    )
    shown = render(page, [{"type": "section", "text": {"type": "mrkdwn", "text": text}}])
    html = shown["html"]
    for fragment in ("<b>bold</b>", "<i>italic</i>", "<s>strike</s>", ">code</code>", "<blockquote", ">@Ana</span>"):
        assert fragment in html, fragment
    assert 'href="https://example.com/a?b=1&amp;c=2"' in html and ">a link</a>" in html
    assert "<pre" in html and "pre *not bold*" in shown["text"]
    assert "<script>alert(1)</script>" in shown["text"], "escaped text is shown as the characters it stands for"
    assert "<script" not in html and "javascript:" not in html.replace("&lt;javascript:", "")
    assert not page.all_css("#render-test a[href^='javascript']")
    assert shown["text"].count("•") == 2


CLICKABLE = """
const [blocks] = arguments;
window.clicked = [];
const form = [];
const ctx = {people: [], form, errors: {}, confirm: window.CareerplanDemo.askConfirm,
             onAction: (action) => window.clicked.push(action)};
document.getElementById('render-test')?.remove();
const box = document.createElement('div');
box.id = 'render-test';
box.appendChild(window.BlockKit.renderBlocks(blocks, ctx));
document.body.prepend(box);
window.readForm = () => window.BlockKit.stateValues(form);
"""


def test_a_button_with_a_confirm_dialog_acts_only_once_confirmed(page: Page) -> None:
    def plain(text: str) -> dict[str, str]:
        return {"type": "plain_text", "text": text}

    confirm = {"title": plain("Delete it?"), "text": {"type": "mrkdwn", "text": "*Really*"}, "confirm": plain("Yes")}
    danger = {"type": "button", "action_id": "go", "value": "7", "text": plain("Delete"), "style": "danger"}
    page.driver.execute_script(
        CLICKABLE,
        [{"type": "actions", "block_id": "b", "elements": [{**danger, "confirm": {**confirm, "deny": plain("No")}}]}],
    )
    page.by_css('#render-test button[data-action-id="go"]').click()
    assert page.by_css("#confirm-layer .modal-title").text == "Delete it?"
    page.by_css("#confirm-deny").click()
    assert page.driver.execute_script("return window.clicked") == []
    page.by_css('#render-test button[data-action-id="go"]').click()
    page.by_css("#confirm-yes").click()
    (clicked,) = page.driver.execute_script("return window.clicked")
    assert clicked["action_id"] == "go" and clicked["value"] == "7" and clicked["block_id"] == "b"


def test_what_a_form_holds_is_read_back_in_slacks_shapes(page: Page) -> None:
    def plain(text: str) -> dict[str, str]:
        return {"type": "plain_text", "text": text}

    option = {"text": plain("Three"), "value": "3"}

    def field(block_id: str, element: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "input",
            "block_id": block_id,
            "label": plain(block_id),
            "element": {"action_id": "e", **element},
        }

    blocks = [
        field("text", {"type": "plain_text_input", "initial_value": "typed"}),
        field("empty", {"type": "plain_text_input", "multiline": True}),
        field("day", {"type": "datepicker", "initial_date": "2027-01-31"}),
        field("radio", {"type": "radio_buttons", "options": [option], "initial_option": option}),
        field("boxes", {"type": "checkboxes", "options": [option]}),
        field("menu", {"type": "static_select", "options": [option], "initial_option": option}),
        field("who", {"type": "users_select", "initial_user": ANA}),
        field("count", {"type": "number_input", "is_decimal_allowed": False, "initial_value": "4"}),
    ]
    page.driver.execute_script(CLICKABLE.replace("people: []", f"people: [{{id: '{ANA}', name: 'Ana'}}]"), blocks)
    values = page.driver.execute_script("return window.readForm()")
    assert values == {
        "text": {"e": {"type": "plain_text_input", "value": "typed"}},
        "empty": {"e": {"type": "plain_text_input", "value": None}},
        "day": {"e": {"type": "datepicker", "selected_date": "2027-01-31"}},
        "radio": {"e": {"type": "radio_buttons", "selected_option": option}},
        "boxes": {"e": {"type": "checkboxes", "selected_options": []}},
        "menu": {"e": {"type": "static_select", "selected_option": option}},
        "who": {"e": {"type": "users_select", "selected_user": ANA}},
        "count": {"e": {"type": "number_input", "value": "4"}},
    }
