"""The Slack stand-in keeps what each person's Slack client shows: Home, the DM, the modal stack, shared files."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.demo.slack_api import SlackStandIn

ANA, BEN = "U0ANA", "U0BEN"


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn() as running:
        yield running


@pytest.fixture
def client(slack: SlackStandIn) -> WebClient:
    return WebClient(token="xoxb-demo", base_url=slack.url)


def modal(title: str, **extra: Any) -> dict[str, Any]:
    return {"type": "modal", "title": {"type": "plain_text", "text": title}, "blocks": [], **extra}


def test_home_is_kept_per_person(slack: SlackStandIn, client: WebClient) -> None:
    client.views_publish(user_id=ANA, view={"type": "home", "blocks": [{"type": "divider"}]})
    client.views_publish(user_id=BEN, view={"type": "home", "blocks": []})
    first = slack.screen(ANA).home
    client.views_publish(user_id=ANA, view={"type": "home", "blocks": [{"type": "header"}]})
    again = slack.screen(ANA).home
    assert first is not None and again is not None
    assert again["id"] == first["id"] and again["hash"] != first["hash"], "one Home view, published anew"
    assert again["blocks"] == [{"type": "header"}]
    assert slack.screen(BEN).home is not None and slack.screen(BEN).home["blocks"] == []  # type: ignore[index]


def test_the_dm_shows_messages_in_order_updates_in_place_and_ephemeral_notes(
    slack: SlackStandIn, client: WebClient
) -> None:
    posted = client.chat_postMessage(channel=ANA, text="first", blocks=[{"type": "divider"}])
    assert posted["channel"] == "D" + ANA
    client.chat_postMessage(channel=ANA, text="second")
    client.chat_update(channel=posted["channel"], ts=posted["ts"], text="first, answered", blocks=[])
    assert client.chat_postEphemeral(channel="D" + ANA, user=ANA, text="only you")["message_ts"]
    dm = slack.screen(ANA).dm
    assert [(m["text"], m["ephemeral"]) for m in dm] == [
        ("first, answered", False),
        ("second", False),
        ("only you", True),
    ]
    assert dm[0].get("edited") and dm[0]["blocks"] == []
    assert slack.screen(BEN).dm == []
    client.chat_delete(channel=posted["channel"], ts=posted["ts"])
    assert [m["text"] for m in slack.screen(ANA).dm] == ["second", "only you"]


def test_modals_open_on_the_screen_of_whoever_the_trigger_belongs_to(slack: SlackStandIn, client: WebClient) -> None:
    opened = client.views_open(trigger_id=slack.trigger_for(ANA), view=modal("One"))["view"]
    pushed = client.views_push(trigger_id=slack.trigger_for(ANA), view=modal("Two"))["view"]
    assert pushed["root_view_id"] == opened["id"]
    client.views_update(view_id=opened["id"], view=modal("One again"))
    stack = slack.screen(ANA).modals
    assert [m["title"]["text"] for m in stack] == ["One again", "Two"]
    assert slack.screen(BEN).modals == []
    with pytest.raises(SlackApiError):  # a stale hash is refused (hash_conflict), as Slack does
        client.views_update(view_id=opened["id"], view=modal("x"), hash="stale")


def test_a_modal_holds_three_views_as_slacks_does(slack: SlackStandIn, client: WebClient) -> None:
    client.views_open(trigger_id=slack.trigger_for(ANA), view=modal("One"))
    for title in ("Two", "Three"):
        client.views_push(trigger_id=slack.trigger_for(ANA), view=modal(title))
    with pytest.raises(SlackApiError) as refused:
        client.views_push(trigger_id=slack.trigger_for(ANA), view=modal("Four"))
    assert refused.value.response["error"] == "push_limit_reached"
    assert [m["title"]["text"] for m in slack.screen(ANA).modals] == ["One", "Two", "Three"]
    slack.close_view(ANA)
    client.views_push(trigger_id=slack.trigger_for(ANA), view=modal("Three again"))
    assert [m["title"]["text"] for m in slack.screen(ANA).modals] == ["One", "Two", "Three again"]


def test_the_bots_answer_to_a_submission_is_applied_as_slack_does(slack: SlackStandIn, client: WebClient) -> None:
    client.views_open(trigger_id=slack.trigger_for(ANA), view=modal("Page 1"))
    assert slack.apply_view_answer(ANA, {"response_action": "update", "view": modal("Page 2")}) is None
    top = slack.screen(ANA).modals
    assert [m["title"]["text"] for m in top] == ["Page 2"]
    assert slack.apply_view_answer(ANA, {"response_action": "errors", "errors": {"b": "Wrong"}}) == {"b": "Wrong"}
    assert slack.screen(ANA).modals == top, "errors keep the view"
    slack.apply_view_answer(ANA, {"response_action": "push", "view": modal("Pushed")})
    assert [m["title"]["text"] for m in slack.screen(ANA).modals] == ["Page 2", "Pushed"]
    slack.apply_view_answer(ANA, None)  # a bare ack closes the view submitted
    assert [m["title"]["text"] for m in slack.screen(ANA).modals] == ["Page 2"]
    slack.apply_view_answer(ANA, {"response_action": "push", "view": modal("Again")})
    slack.apply_view_answer(ANA, {"response_action": "clear"})
    assert slack.screen(ANA).modals == []


def test_a_file_shared_in_the_dm_is_shown_there_and_can_be_downloaded(slack: SlackStandIn, client: WebClient) -> None:
    channel = client.conversations_open(users=ANA)["channel"]["id"]
    client.files_upload_v2(channel=channel, content="# Plan\n", filename="plan.md", title="Your plan")
    (message,) = slack.screen(ANA).dm
    (shown,) = message["files"]
    assert shown["name"] == "plan.md" and shown["title"] == "Your plan"
    assert slack.file_bytes(shown["id"]) == ("plan.md", b"# Plan\n")
    assert slack.file_bytes("F0NONE") is None
