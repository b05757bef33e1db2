"""manifest.yml is what an admin pastes into Slack: it must validate against Slack's schema and
ask for exactly what the code uses (commands, events, interactivity, scopes)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from bot.settings import Settings
from bot.slack import ids
from bot.slack.app import create_app
from storage.db import Database
from tests.botserver import serving
from tests.fakeslack import FakeSlack
from tests.slackhttp import FIXTURES_DIR, SlackSender, app_home_opened

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = FIXTURES_DIR / "manifest-schema"
REMOTE = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/"

# Bot scopes each Web API method needs (docs.slack.dev method pages); None: no scope needed.
METHOD_SCOPES: dict[str, str | None] = {
    "auth_test": None,
    "views_open": None,
    "views_update": None,
    "views_push": None,
    "views_publish": None,
    "users_info": "users:read",
    "users_lookupByEmail": "users:read.email",
    "chat_postMessage": "chat:write",
    "chat_update": "chat:write",
    "chat_postEphemeral": "chat:write",
    "files_upload_v2": "files:write",
    "conversations_open": "im:write",
    "conversations_history": "im:history",
}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "manifest.yml").read_text())
    return loaded


def test_manifest_validates_against_slacks_schema(manifest: dict[str, Any]) -> None:
    # The top-level schema refers to the versioned ones by URL: resolve them to the copies in the repo.
    resources = {
        REMOTE + name: Resource.from_contents(json.loads((SCHEMAS / name).read_text()), default_specification=DRAFT7)
        for name in ("manifest.schema.1.0.0.json", "manifest.schema.2.0.0.json")
    }
    registry: Registry[Any] = Registry().with_resources(resources.items())
    schema = json.loads((SCHEMAS / "manifest.schema.json").read_text())
    errors = [e.message for e in jsonschema.Draft7Validator(schema, registry=registry).iter_errors(manifest)]
    assert errors == []


def test_manifest_lists_exactly_the_command_and_events_the_app_handles(manifest: dict[str, Any]) -> None:
    commands = manifest["features"]["slash_commands"]
    assert [c["command"] for c in commands] == [ids.COMMAND]
    assert commands[0]["usage_hint"]
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == list(ids.BOT_EVENTS)
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True


def test_manifest_asks_only_for_the_scopes_the_code_uses(manifest: dict[str, Any]) -> None:
    called = set()
    for path in (ROOT / "bot").rglob("*.py"):
        called |= set(re.findall(r"\bclient\.([a-z]+_[A-Za-z0-9_]+)\(", path.read_text()))
    unknown = called - METHOD_SCOPES.keys()
    assert not unknown, f"add the scopes of {unknown} to METHOD_SCOPES"
    needed = {"commands"} | {scope for m in called if (scope := METHOD_SCOPES[m]) is not None}
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == needed


def test_every_command_and_event_in_the_manifest_reaches_a_listener(manifest: dict[str, Any], db: Database) -> None:
    with FakeSlack() as slack:
        settings = Settings.from_env(
            {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": slack.url}
        )
        with serving(create_app(settings, db)) as url:
            send = SlackSender(url + "/slack/events", "s")
            for command in manifest["features"]["slash_commands"]:
                assert send.slash_command("help", command=command["command"]).status == 200
            for event in manifest["settings"]["event_subscriptions"]["bot_events"]:
                envelope = app_home_opened()
                envelope["event"]["type"] = event
                assert send.event(envelope).status == 200
            # Something the manifest does not subscribe to is not handled (Bolt answers 404).
            assert send.slash_command("help", command="/not-ours").status == 404
