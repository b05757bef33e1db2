"""The Slack stand-in keeps what each person's Slack client shows: Home, the DM, the modal stack, shared files."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.demo.slack_api import RateLimits, SlackStandIn, server_error

ANA, BEN = "U0ANA", "U0BEN"


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn() as running:
        yield running


@pytest.fixture
def client(slack: SlackStandIn) -> WebClient:
    return WebClient(token="xoxb-demo", base_url=slack.url)


class Clock:
    """The rate limits' clock, moved on by hand: no test waits for the limits."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


def limited(slack: SlackStandIn, **limits: Any) -> Clock:
    clock = Clock()
    slack.limits_clock = clock
    slack.limits = RateLimits(latency=0, **limits)
    return clock


def refused(client: WebClient, channel: str) -> SlackApiError:
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel=channel, text="hello")
    return raised.value


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


def test_a_burst_goes_through_then_slack_answers_429_until_the_workspace_bucket_refills(
    slack: SlackStandIn, client: WebClient
) -> None:
    clock = limited(slack, per_minute=24, burst=3, conversation_gap=0)  # a token every 2.5 s
    for user in ("U01", "U02", "U03"):
        assert client.chat_postMessage(channel=user, text="hello")["ok"]
    too_soon = refused(client, "U04").response
    assert too_soon.status_code == 429
    assert too_soon.headers["Retry-After"] == "3", "2.5 s until a token, in whole seconds"
    assert too_soon.data == {"ok": False, "error": "ratelimited"}
    clock.seconds += 2.4
    assert refused(client, "U04").response.headers["Retry-After"] == "1", "never 0 while it would still be refused"
    clock.seconds += 0.1
    assert client.chat_postMessage(channel="U04", text="hello")["ok"]
    assert slack.throttled == {"workspace": 2}
    other = WebClient(token="xoxb-other-workspace", base_url=slack.url)
    assert other.chat_postMessage(channel="U05", text="hello")["ok"], "each workspace (token) has its own bucket"


def test_one_message_a_second_per_conversation_and_a_user_id_means_their_dm(
    slack: SlackStandIn, client: WebClient
) -> None:
    clock = limited(slack, per_minute=600, burst=10, conversation_gap=1.0)
    assert client.chat_postMessage(channel=ANA, text="first")["ok"]
    assert refused(client, ANA).response.headers["Retry-After"] == "1"
    assert refused(client, "D" + ANA).response.status_code == 429, "the same DM, by its channel id"
    assert client.chat_postMessage(channel=BEN, text="to someone else")["ok"]
    clock.seconds += 1.0
    assert client.chat_postMessage(channel=ANA, text="second")["ok"]
    assert slack.throttled == {"conversation": 2}


def test_a_refused_message_is_not_posted(slack: SlackStandIn, client: WebClient) -> None:
    limited(slack, conversation_gap=1.0)
    client.chat_postMessage(channel=ANA, text="first")
    refused(client, ANA)
    assert [m["text"] for m in slack.screen(ANA).dm] == ["first"]
    assert [c.params["text"] for c in slack.messages] == ["first"] and slack.posted == 1
    history = client.conversations_history(channel="D" + ANA)["messages"]
    assert [m["text"] for m in history] == ["first"]


def test_a_scripted_answer_comes_before_the_limits(slack: SlackStandIn, client: WebClient) -> None:
    limited(slack, conversation_gap=1.0)
    slack.script("chat.postMessage", server_error())
    assert refused(client, ANA).response.status_code == 500
    assert client.chat_postMessage(channel=ANA, text="hello")["ok"], "the scripted failure posted nothing"


def test_without_limits_nothing_is_ever_throttled(slack: SlackStandIn, client: WebClient) -> None:
    assert slack.limits is None
    for n in range(30):
        assert client.chat_postMessage(channel=ANA, text=f"message {n}")["ok"]
    assert len(slack.screen(ANA).dm) == 30 and not slack.throttled


def test_the_least_time_the_limits_allow() -> None:
    limits = RateLimits(per_minute=600, burst=10, conversation_gap=1.0)
    assert limits.least_seconds([]) == 0
    assert limits.least_seconds([1] * 10) == 0, "a burst goes at once"
    assert limits.least_seconds([1] * 5010) == 500, "5,000 beyond the burst at 10 a second"
    assert limits.least_seconds([8, 1, 1]) == 7, "the busiest conversation's bound, one a second"
    assert limits.least_seconds([8] * 625) == 499, "the longer of the two bounds"
    with pytest.raises(ValueError, match="burst"):
        RateLimits(burst=0)
