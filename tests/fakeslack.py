"""The fake Slack Web API server for tests: the demo's stand-in (bot/demo/slack_api.py), with test helpers.

A real ``http.server.ThreadingHTTPServer`` on 127.0.0.1 (port 0) that answers the Web API methods the bot
uses, records every request (method, parsed params, headers, token) and lets tests script answers per method
(rate limits, server errors, slow answers).  Point a real ``slack_sdk.WebClient`` at it::

    with FakeSlack() as fake:
        client = WebClient(token="xoxb-test", base_url=fake.url)
        client.views_open(trigger_id="1.2.3", view=view)
        assert fake.wait_for("views.open")[0].params["view"] == view

File uploads follow slack_sdk's ``files_upload_v2``: ``files.getUploadURLExternal`` hands out an upload URL on
the fake itself (``/upload/v1/F…``, no token needed, as on files.slack.com), the raw bytes POSTed there are kept
in ``fake.uploads[file_id]``, and ``files.completeUploadExternal`` shares them (``fake.files[file_id]``).

Defaults are modelled on Slack's documented/captured answers (see ``tests/fixtures/slack/``).
"""

from __future__ import annotations

from bot.demo.slack_api import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    TEAM_ID,
    Call,
    FakeResponse,
    RateLimits,
    SharedFile,
    SlackStandIn,
    ratelimited,
    server_error,
)

__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_USER_ID",
    "TEAM_ID",
    "Call",
    "FakeResponse",
    "FakeSlack",
    "RateLimits",
    "SharedFile",
    "ratelimited",
    "server_error",
]


class FakeSlack(SlackStandIn):
    """The stand-in, with what tests ask of it: waiting for calls, the messages sent to a channel, forgetting."""

    def messages_to(self, channel: str) -> list[Call]:
        """Messages the fake accepted for ``channel`` (a user id for a DM)."""
        with self._lock:
            return [c for c in self.messages if c.params.get("channel") == channel]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until at least ``count`` calls to ``method`` were recorded; return all calls to it."""
        with self._cond:

            def enough() -> bool:
                return sum(1 for c in self._calls if c.method == method) >= count

            if not self._cond.wait_for(enough, timeout=timeout):
                seen = [c.method for c in self._calls]
                got = seen.count(method)
                raise AssertionError(
                    f"FakeSlack: expected at least {count} call(s) to {method!r} within {timeout:g}s, "
                    f"got {got}; methods called: {seen if seen else 'none'}"
                )
            return [c for c in self._calls if c.method == method]

    def clear(self) -> None:
        """Forget recorded calls and pending scripted answers (``users`` and view hashes are kept)."""
        with self._lock:
            self._calls.clear()
            self._scripts.clear()
            self.messages.clear()
