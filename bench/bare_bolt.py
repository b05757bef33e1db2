"""The baseline for bench/command_latency.py: a bare Bolt app whose /careerplan only acks and opens a fixed modal.

    SLACK_BOT_TOKEN=xoxb-… SLACK_SIGNING_SECRET=… SLACK_API_URL=… HOST=127.0.0.1 PORT=0 python bench/bare_bolt.py

Same Web API client (bot.slack.client), same WSGI adapter and waitress server (bot.slack.server.make_server, same
thread count) and same logging levels as `careerplan run`; no database, no scheduler. Prints
"bare bolt is listening on http://HOST:PORT/slack/events" once it serves, then runs until terminated.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.settings import Settings
from bot.slack import ids
from bot.slack.client import build_web_client
from bot.slack.server import EVENTS_PATH, make_server

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


def main() -> None:
    settings = Settings.from_env()
    # As bot.cli._configure_logging does for `careerplan run`.
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in ("slack_bolt", "slack_sdk"):
        logging.getLogger(name).setLevel(logging.DEBUG if settings.log_level == "DEBUG" else logging.WARNING)
    server = make_server(create_bare_app(settings), settings.host, settings.port)
    port = getattr(server, "effective_port", settings.port)
    print(f"bare bolt is listening on http://{settings.host}:{port}{EVENTS_PATH}", flush=True)
    try:
        server.run()
    finally:
        server.close()


if __name__ == "__main__":
    main()
