"""The fake Slack Web API, driven by a real slack_sdk.WebClient over HTTP on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import threading
import types
import urllib.error
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_handlers
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from tests.fakeslack import FakeResponse, FakeSlack, SharedFile, ratelimited, server_error
from tests.slackhttp import load_fixture

MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "careerplan_modal",
    "title": {"type": "plain_text", "text": "Career plan"},
    "submit": {"type": "plain_text", "text": "Save"},
    "private_metadata": "meta",
    "blocks": [
        {
            "type": "input",
            "block_id": "goal",
            "label": {"type": "plain_text", "text": "Where do you want to be in 2 years?"},
            "element": {"type": "plain_text_input", "action_id": "goal_input", "multiline": True},
        }
    ],
}


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.url)


def test_url_is_a_loopback_base_url(fake: FakeSlack) -> None:
    parts = urllib.parse.urlsplit(fake.url)
    assert parts.scheme == "http"
    assert parts.hostname == "127.0.0.1"
    assert parts.port
    assert parts.path == "/api/"


def test_auth_test_matches_fixture_shape(client: WebClient, fake: FakeSlack) -> None:
    answer = client.auth_test()
    fixture = load_fixture("web_api/auth_test_bot_ok_bolt_python_mock.json")
    assert set(fixture) <= set(answer.data)
    assert answer["user_id"] == "UBOT"
    assert answer["bot_id"] == "BFAKE"
    assert answer["team_id"] == "T0FAKE"
    assert answer["is_enterprise_install"] is False
    assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
    (call,) = fake.calls_to("auth.test")
    assert call.token == "xoxb-test"
    assert call.headers["authorization"] == "Bearer xoxb-test"


def test_views_open_records_the_view_json(client: WebClient, fake: FakeSlack) -> None:
    response = client.views_open(trigger_id="123.456.abc", view=MODAL)

    view = response["view"]
    assert view["id"].startswith("V")
    assert view["root_view_id"] == view["id"]
    assert view["team_id"] == "T0FAKE"
    assert view["state"] == {"values": {}}
    assert view["hash"]
    assert view["callback_id"] == "careerplan_modal"
    assert view["blocks"] == MODAL["blocks"]
    (call,) = fake.wait_for("views.open")
    assert call.params == {"trigger_id": "123.456.abc", "view": MODAL}
    assert call.headers["content-type"].startswith("application/json")
    assert call.token == "xoxb-test"


def test_views_push_shares_the_root_and_ids_are_distinct(client: WebClient, fake: FakeSlack) -> None:
    opened = client.views_open(trigger_id="1.1.a", view=MODAL)["view"]
    pushed = client.views_push(trigger_id="1.1.b", view=MODAL)["view"]
    assert pushed["id"] != opened["id"]
    assert pushed["root_view_id"] == opened["id"]
    assert pushed["hash"] != opened["hash"]


def test_views_update_checks_the_hash(client: WebClient, fake: FakeSlack) -> None:
    opened = client.views_open(trigger_id="1.1.a", view=MODAL)["view"]

    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=MODAL)["view"]
    assert updated["id"] == opened["id"]
    assert updated["root_view_id"] == opened["id"]
    assert updated["hash"] != opened["hash"]

    with pytest.raises(SlackApiError) as stale:
        client.views_update(view_id=opened["id"], hash=opened["hash"], view=MODAL)
    assert stale.value.response["error"] == "hash_conflict"
    assert len(fake.calls_to("views.update")) == 2
    # Without a hash Slack does not check; neither does the fake.
    assert client.views_update(view_id=opened["id"], view=MODAL)["ok"] is True


def test_views_update_by_external_id(client: WebClient) -> None:
    opened = client.views_open(trigger_id="1.1.a", view={**MODAL, "external_id": "plan-U1"})["view"]
    updated = client.views_update(external_id="plan-U1", view=MODAL)["view"]
    assert updated["id"] == opened["id"]
    with pytest.raises(SlackApiError) as missing:
        client.views_update(external_id="nope", view=MODAL)
    assert missing.value.response["error"] == "not_found"


def test_views_publish_keeps_one_home_view_per_user(client: WebClient, fake: FakeSlack) -> None:
    home = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]}
    first = client.views_publish(user_id="U1", view=home)["view"]
    second = client.views_publish(user_id="U1", view=home)["view"]
    other = client.views_publish(user_id="U2", view=home)["view"]
    assert first["id"] == second["id"] != other["id"]
    assert first["type"] == "home"
    assert [c.params["user_id"] for c in fake.calls_to("views.publish")] == ["U1", "U1", "U2"]


def test_users_info_merges_configured_fields(client: WebClient, fake: FakeSlack) -> None:
    fake.users["U1"] = {"tz": "Asia/Tokyo", "tz_label": "Japan Standard Time", "tz_offset": 32400}

    tokyo = client.users_info(user="U1")["user"]
    default = client.users_info(user="U2")["user"]

    assert (tokyo["id"], tokyo["tz"], tokyo["tz_offset"]) == ("U1", "Asia/Tokyo", 32400)
    assert tokyo["team_id"] == "T0FAKE"
    assert (default["tz"], default["tz_offset"], default["is_bot"]) == ("America/New_York", -18000, False)
    # users.info goes as a form body, decoded to a dict of str
    assert [c.params for c in fake.calls_to("users.info")] == [{"user": "U1"}, {"user": "U2"}]
    assert fake.calls_to("users.info")[0].headers["content-type"] == "application/x-www-form-urlencoded"


def test_users_info_missing_user(client: WebClient, fake: FakeSlack) -> None:
    fake.users["UGONE"] = {"__missing__": True}
    with pytest.raises(SlackApiError) as err:
        client.users_info(user="UGONE")
    assert err.value.response["error"] == "user_not_found"


def test_invalid_token_is_invalid_auth_for_every_method(fake: FakeSlack) -> None:
    bad = WebClient(token="xoxp-not-a-bot-token", base_url=fake.url)
    with pytest.raises(SlackApiError) as auth_err:
        bad.auth_test()
    with pytest.raises(SlackApiError) as post_err:
        bad.chat_postMessage(channel="C1", text="x")
    for err in (auth_err, post_err):
        assert err.value.response.status_code == 200
        assert err.value.response["error"] == "invalid_auth"
    assert [c.token for c in fake.calls] == ["xoxp-not-a-bot-token"] * 2


def test_missing_token_is_not_authed(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as err:
        WebClient(base_url=fake.url).auth_test()
    assert err.value.response["error"] == "not_authed"


def test_chat_post_message_to_a_user_lands_in_a_dm(client: WebClient, fake: FakeSlack) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "Time for your check-in"}}]
    first = client.chat_postMessage(channel="U1", text="Time for your check-in", blocks=blocks)
    second = client.chat_postMessage(channel="C1", text="second")

    assert first["channel"] == "DU1"
    assert second["channel"] == "C1"
    assert first["ts"] == "1700000000.000100"
    assert float(second["ts"]) > float(first["ts"])
    assert first["message"]["blocks"] == blocks
    assert first["message"]["text"] == "Time for your check-in"
    (call, _) = fake.calls_to("chat.postMessage")
    assert call.params["blocks"] == blocks
    assert call.params["channel"] == "U1"


def test_form_values_holding_json_are_decoded(client: WebClient, fake: FakeSlack) -> None:
    blocks = [{"type": "divider"}]
    client.api_call(
        "chat.postMessage",
        data={"channel": "C1", "text": "[not json", "blocks": json.dumps(blocks)},
    )
    (call,) = fake.calls_to("chat.postMessage")
    assert call.params == {"channel": "C1", "text": "[not json", "blocks": blocks}


def test_token_param_and_query_string_are_recorded(fake: FakeSlack) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", urllib.parse.urlsplit(fake.url).port, timeout=5)
    try:
        conn.request(
            "POST",
            "/api/users.info?include_locale=true",
            body="token=xoxb-form&user=U9",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        answer = json.loads(conn.getresponse().read())
    finally:
        conn.close()
    assert answer["user"]["id"] == "U9"
    (call,) = fake.calls_to("users.info")
    assert call.token == "xoxb-form"
    assert call.params == {"token": "xoxb-form", "user": "U9", "include_locale": "true"}


def test_conversations_open(client: WebClient) -> None:
    assert client.conversations_open(users="U1")["channel"] == {"id": "DU1"}


def test_history_answers_what_was_posted_newest_first_in_slacks_pages(client: WebClient, fake: FakeSlack) -> None:
    fake.clock = lambda: datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # ts strictly increasing from Slack's clock
    tagged = {"event_type": "careerplan_reminder", "event_payload": {"nudge_id": 1}}
    first = client.chat_postMessage(channel="U1", text="one", metadata=tagged)["ts"]
    later = [client.chat_postMessage(channel="U1", text=f"n{n}")["ts"] for n in range(4)]
    client.chat_postMessage(channel="U2", text="someone else's DM")
    assert float(first) == datetime(2026, 11, 23, 15, 0, tzinfo=UTC).timestamp()

    page = client.conversations_history(channel="DU1", limit=3)
    assert [m["ts"] for m in page["messages"]] == later[::-1][:3] and page["has_more"] is True
    rest = client.conversations_history(channel="DU1", limit=3, cursor=page["response_metadata"]["next_cursor"])
    assert [m["ts"] for m in rest["messages"]] == [later[0], first] and rest["has_more"] is False
    assert "response_metadata" not in rest.data
    assert "metadata" not in rest["messages"][-1]  # only when asked for
    asked = client.conversations_history(channel="DU1", oldest=first, inclusive=True, include_all_metadata=True)
    assert asked["messages"][-1]["metadata"] == tagged
    assert [m["text"] for m in asked["messages"]] == ["n3", "n2", "n1", "n0", "one"]
    # oldest and latest are exclusive unless inclusive
    between = client.conversations_history(channel="DU1", oldest=first, latest=later[-1])["messages"]
    assert [m["ts"] for m in between] == later[-2::-1]


def test_history_refuses_conversations_it_does_not_know_and_bad_arguments(client: WebClient) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"channel": "DNOBODY"}, "channel_not_found"),
        ({"channel": "DU1", "oldest": "yesterday"}, "invalid_ts_oldest"),
        ({"channel": "DU1", "cursor": "%%%"}, "invalid_cursor"),
    ]
    for arguments, error in cases:
        if arguments["channel"] == "DU1":
            client.conversations_open(users="U1")
        with pytest.raises(SlackApiError) as err:
            client.conversations_history(**arguments)
        assert err.value.response["error"] == error
    assert client.conversations_history(channel="DU1")["messages"] == []  # opened, nothing posted yet


def test_a_scripted_answer_that_takes_effect_posts_and_answers_late(client: WebClient, fake: FakeSlack) -> None:
    fake.script("chat.postMessage", FakeResponse(delay=0.2, takes_effect=True))
    assert client.chat_postMessage(channel="U1", text="hi")["channel"] == "DU1"
    assert len(fake.messages) == 1 and fake.screen("U1").dm[0]["text"] == "hi"


def test_other_methods_answer_ok(client: WebClient, fake: FakeSlack) -> None:
    assert client.chat_update(channel="C1", ts="1.2", text="x").data == {"ok": True}
    assert fake.calls_to("chat.update")[0].params["ts"] == "1.2"


def test_scripted_answers_are_used_in_order_then_defaults(client: WebClient, fake: FakeSlack) -> None:
    fake.script(
        "users.info",
        FakeResponse(body={"ok": True, "user": {"id": "U1", "tz": "Europe/Paris"}}),
        FakeResponse(body={"ok": False, "error": "account_inactive"}),
    )
    assert client.users_info(user="U1")["user"]["tz"] == "Europe/Paris"
    with pytest.raises(SlackApiError) as err:
        client.users_info(user="U1")
    assert err.value.response["error"] == "account_inactive"
    assert client.users_info(user="U1")["user"]["tz"] == "America/New_York"
    assert len(fake.calls_to("users.info")) == 3


def test_ratelimited_without_retry_handler_raises_429(client: WebClient, fake: FakeSlack) -> None:
    fake.script("chat.postMessage", ratelimited(7))
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="x")
    response = err.value.response
    assert response.status_code == 429
    assert response["error"] == "ratelimited"
    assert response.headers["Retry-After"] == "7"
    assert response.headers["retry-after"] == "7"  # slack_sdk copies it under both spellings


def test_ratelimited_response_matches_real_capture() -> None:
    real = load_fixture("web_api/ratelimited_429_real_capture.json")
    ours = ratelimited(1)
    assert ours.status == real["status"]
    assert ours.body == real["body"]
    assert {k.lower(): v for k, v in ours.headers.items()}["retry-after"] == real["headers"]["retry-after"]


@pytest.mark.parametrize("retry_after", [0, 3])
def test_ratelimited_is_retried_by_rate_limit_handler(
    fake: FakeSlack, monkeypatch: pytest.MonkeyPatch, retry_after: int
) -> None:
    # The handler sleeps Retry-After + random() seconds; record the sleep instead of waiting it out.
    slept: list[float] = []
    monkeypatch.setattr(builtin_handlers, "time", types.SimpleNamespace(sleep=slept.append))
    client = WebClient(token="xoxb-test", base_url=fake.url, retry_handlers=[RateLimitErrorRetryHandler()])
    fake.script("chat.postMessage", ratelimited(retry_after))

    response = client.chat_postMessage(channel="U1", text="hello")

    assert response["ok"] is True
    assert response.status_code == 200
    calls = fake.calls_to("chat.postMessage")
    assert len(calls) == 2
    assert calls[0].params == calls[1].params
    assert len(slept) == 1
    assert retry_after <= slept[0] < retry_after + 1


def test_rate_limit_retry_gives_up_after_one_retry(fake: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(builtin_handlers, "time", types.SimpleNamespace(sleep=lambda _s: None))
    client = WebClient(token="xoxb-test", base_url=fake.url, retry_handlers=[RateLimitErrorRetryHandler()])
    fake.script("chat.postMessage", ratelimited(0), ratelimited(0))
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="U1", text="hello")
    assert err.value.response.status_code == 429
    assert len(fake.calls_to("chat.postMessage")) == 2


@pytest.mark.parametrize("status", [500, 503])
def test_server_error_is_retried_by_server_error_handler(fake: FakeSlack, status: int) -> None:
    handler = ServerErrorRetryHandler(interval_calculator=FixedValueRetryIntervalCalculator(0.0))
    client = WebClient(token="xoxb-test", base_url=fake.url, retry_handlers=[handler])
    fake.script("users.info", server_error(status))

    assert client.users_info(user="U1")["user"]["id"] == "U1"
    assert len(fake.calls_to("users.info")) == 2


def test_server_error_without_handler_raises(client: WebClient, fake: FakeSlack) -> None:
    fake.script("views.open", server_error())
    with pytest.raises(SlackApiError) as err:
        client.views_open(trigger_id="1.1.a", view=MODAL)
    assert err.value.response.status_code == 500
    assert len(fake.calls_to("views.open")) == 1


def test_delayed_answer_times_out_the_client_but_the_call_is_recorded(fake: FakeSlack) -> None:
    fake.script("chat.postMessage", FakeResponse(delay=5.0))
    conn = http.client.HTTPConnection("127.0.0.1", urllib.parse.urlsplit(fake.url).port, timeout=0.1)
    try:
        conn.request(
            "POST",
            "/api/chat.postMessage",
            body=json.dumps({"channel": "C1", "text": "slow"}),
            headers={"Content-Type": "application/json", "Authorization": "Bearer xoxb-test"},
        )
        with pytest.raises(TimeoutError):
            conn.getresponse()
    finally:
        conn.close()
    (call,) = fake.wait_for("chat.postMessage", timeout=1)
    assert call.params == {"channel": "C1", "text": "slow"}
    # stop() (fixture teardown) releases the delayed handler at once instead of after 5 s.


def test_wait_for_blocks_until_calls_arrive(client: WebClient, fake: FakeSlack) -> None:
    go = threading.Event()

    def post_later() -> None:
        go.wait(5)
        client.chat_postMessage(channel="C1", text="one")
        client.chat_postMessage(channel="C1", text="two")

    worker = threading.Thread(target=post_later)
    worker.start()
    go.set()
    calls = fake.wait_for("chat.postMessage", count=2)
    worker.join(5)
    assert [c.params["text"] for c in calls] == ["one", "two"]


def test_wait_for_timeout_names_method_count_and_calls_seen(client: WebClient, fake: FakeSlack) -> None:
    client.auth_test()
    client.users_info(user="U1")
    with pytest.raises(AssertionError) as err:
        fake.wait_for("views.open", count=2, timeout=0.2)
    message = str(err.value)
    assert "'views.open'" in message
    assert "at least 2" in message
    assert "got 0" in message
    assert "['auth.test', 'users.info']" in message


def test_calls_is_a_copy_and_clear_resets(client: WebClient, fake: FakeSlack) -> None:
    client.auth_test()
    snapshot = fake.calls
    snapshot.clear()
    assert len(fake.calls) == 1
    fake.script("auth.test", FakeResponse(body={"ok": False, "error": "scripted"}))
    fake.clear()
    assert fake.calls == []
    assert client.auth_test()["user_id"] == "UBOT"  # the pending script was dropped too


def test_string_bodies_and_custom_headers(client: WebClient, fake: FakeSlack) -> None:
    fake.script(
        "auth.test",
        FakeResponse(status=503, body="<html>upstream down</html>", headers={"Content-Type": "text/html"}),
    )
    with pytest.raises(SlackApiError) as err:
        client.auth_test()
    assert err.value.response.status_code == 503
    assert err.value.response.headers["Content-Type"] == "text/html"
    assert "non-JSON" in err.value.response["error"]


def test_start_stop_are_explicit_too() -> None:
    fake = FakeSlack()
    with pytest.raises(RuntimeError):
        _ = fake.url
    assert fake.start() is fake
    try:
        assert WebClient(token="xoxb-x", base_url=fake.url).auth_test()["ok"] is True
    finally:
        fake.stop()
    fake.stop()  # idempotent


def test_users_lookup_by_email_finds_the_user_with_that_address(client: WebClient, fake: FakeSlack) -> None:
    fake.users["U0ANA"] = {"profile": {"email": "ana@example.com"}}
    assert client.users_lookupByEmail(email="ANA@example.com")["user"]["id"] == "U0ANA"
    with pytest.raises(SlackApiError) as refused:
        client.users_lookupByEmail(email="nobody@example.com")
    assert refused.value.response["error"] == "users_not_found"


def test_files_upload_v2_keeps_the_exact_bytes_and_shares_the_file(client: WebClient, fake: FakeSlack) -> None:
    content = "# Plan\n<!channel> & <@U1> 🚀\r\nlast line without newline"
    answer = client.files_upload_v2(
        channel="DU1", content=content, filename="plan.md", title="My plan", initial_comment="Here it is"
    )

    (asked,) = fake.calls_to("files.getUploadURLExternal")
    assert asked.params["filename"] == "plan.md"
    assert asked.params["length"] == str(len(content.encode("utf-8")))
    (uploaded,) = fake.calls_to("upload")
    assert uploaded.token is None  # the upload URL itself is the credential, as on files.slack.com
    file_id = uploaded.params["file_id"]
    assert fake.uploads == {file_id: content.encode("utf-8")}
    (completed,) = fake.calls_to("files.completeUploadExternal")
    assert completed.params["files"] == [{"id": file_id, "title": "My plan"}]
    assert completed.params["channel_id"] == "DU1"
    assert answer["files"] == [{"id": file_id, "title": "My plan"}]
    assert answer["file"] == {"id": file_id, "title": "My plan"}  # slack_sdk adds it for a single file
    assert fake.files[file_id] == SharedFile(file_id, "plan.md", "My plan", "DU1", "Here it is")


def test_upload_url_is_on_the_fake_and_unknown_ids_are_refused(client: WebClient, fake: FakeSlack) -> None:
    slot = client.files_getUploadURLExternal(filename="a.bin", length=3)
    parts = urllib.parse.urlsplit(slot["upload_url"])
    assert (parts.hostname, parts.port) == ("127.0.0.1", urllib.parse.urlsplit(fake.url).port)
    assert parts.path == "/upload/v1/" + slot["file_id"]
    conn = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=5)
    try:
        conn.request("POST", "/upload/v1/F0NOPE", body=b"\xff\x00\x01")
        assert conn.getresponse().status == 404
        conn.request("POST", parts.path, body=b"\xff\x00\x01")  # not UTF-8: kept as bytes all the same
        ok = conn.getresponse()
        assert (ok.status, ok.read()) == (200, b"OK - 3")
    finally:
        conn.close()
    assert fake.uploads == {slot["file_id"]: b"\xff\x00\x01"}


def test_completing_a_file_that_was_never_uploaded_fails(client: WebClient, fake: FakeSlack) -> None:
    slot = client.files_getUploadURLExternal(filename="a.md", length=1)
    with pytest.raises(SlackApiError) as err:
        client.files_completeUploadExternal(files=[{"id": slot["file_id"], "title": "a"}], channel_id="DU1")
    assert err.value.response["error"] == "file_not_found"
    assert fake.files == {}


def test_a_failing_upload_can_be_scripted(client: WebClient, fake: FakeSlack) -> None:
    fake.script("upload", server_error())
    with pytest.raises(urllib.error.HTTPError):
        client.files_upload_v2(channel="DU1", content="x", filename="x.md")
    assert fake.uploads == {}
    assert fake.calls_to("files.completeUploadExternal") == []


def test_users_info_answers_with_names_in_the_profile_as_slack_does(client: WebClient, fake: FakeSlack) -> None:
    fake.users["U1"] = {"profile": {"display_name": "ana", "email": "ana@example.com"}}
    ana = client.users_info(user="U1")["user"]
    default = client.users_info(user="U2")["user"]
    assert ana["profile"] == {"real_name": "User U1", "display_name": "ana", "email": "ana@example.com"}
    assert default["profile"] == {"real_name": "User U2", "display_name": ""}
    assert default["real_name"] == "User U2"
