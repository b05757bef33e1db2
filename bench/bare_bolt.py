"""The baselines for bench/command_latency.py: a bare Bolt app whose /careerplan only acks and opens a fixed modal.

    SLACK_BOT_TOKEN=xoxb-… SLACK_SIGNING_SECRET=… SLACK_API_URL=… HOST=127.0.0.1 PORT=0 \
        python bench/bare_bolt.py [--poll-ms MS | --raw]

Same Web API client (bot.slack.client), same WSGI adapter and waitress server (bot.slack.server.make_server, same
thread count) and same logging levels as `careerplan run`; no database, no scheduler. Prints
"bare bolt is listening on http://HOST:PORT/slack/events" once it serves, then runs until terminated.

The floors the ack is measured against (issue 17):
- stock (no option): Bolt as shipped, process_before_response=False: it checks for the ack every 10 ms.
- --poll-ms MS: the same app with that check every MS milliseconds (Bolt's runner's sleep patched; a floor only).
- --raw: no Bolt at all, a WSGI app on the same waitress server answering every request 200 with an empty body
  (nothing is checked, no views.open is sent): what the HTTP round trip itself costs.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import slack_bolt.listener.thread_runner
from slack_bolt import Ack, App
from slack_sdk import WebClient
from waitress.server import create_server

from bot.settings import Settings
from bot.slack import ids
from bot.slack.client import build_web_client
from bot.slack.server import EVENTS_PATH, THREADS, make_server

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

VIEW: dict[str, Any] = {
    "type": "modal",
    "callback_id": "bare.view",
    "title": {"type": "plain_text", "text": "Your career plan"},
    "close": {"type": "plain_text", "text": "Close"},
    "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hello."}}],
}


def create_bare_app(settings: Settings) -> App:
    app = App(
        client=build_web_client(settings),
        signing_secret=settings.signing_secret,
        process_before_response=False,  # as create_app: the listener runs on Bolt's executor after the ack
        logger=logging.getLogger("slack_bolt"),
    )

    @app.command(ids.COMMAND)
    def careerplan(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=VIEW)

    return app


def shorten_poll(milliseconds: float) -> None:
    """Make Bolt's thread runner check for the ack every `milliseconds` instead of every 10 ms (its loop calls
    `time.sleep(0.01)` through its module's `time`: that name alone is swapped, for this process)."""
    seconds = milliseconds / 1000
    shortened = SimpleNamespace(time=time.time, sleep=lambda _poll: time.sleep(seconds))
    setattr(slack_bolt.listener.thread_runner, "time", shortened)  # noqa: B010 (a module attribute, on purpose)


def raw_ok(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """200 with an empty body, whatever was asked (the body is read, as any server must before answering)."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length > 0:
        environ["wsgi.input"].read(length)
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "0")])
    return [b""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    floor = parser.add_mutually_exclusive_group()
    floor.add_argument("--poll-ms", type=float, help="Bolt checks for the ack every MS milliseconds (stock: 10)")
    floor.add_argument("--raw", action="store_true", help="a raw WSGI 200 on the same server, no Bolt")
    args = parser.parse_args()
    settings = Settings.from_env()
    # As bot.cli._configure_logging does for `careerplan run`.
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in ("slack_bolt", "slack_sdk"):
        logging.getLogger(name).setLevel(logging.DEBUG if settings.log_level == "DEBUG" else logging.WARNING)
    if args.poll_ms is not None:
        shorten_poll(args.poll_ms)
    if args.raw:
        server = create_server(raw_ok, host=settings.host, port=settings.port, threads=THREADS, ident="careerplan")
    else:
        server = make_server(create_bare_app(settings), settings.host, settings.port)
    port = getattr(server, "effective_port", settings.port)
    print(f"bare bolt is listening on http://{settings.host}:{port}{EVENTS_PATH}", flush=True)
    try:
        server.run()
    finally:
        server.close()


if __name__ == "__main__":
    main()
