"""`careerplan demo` as a newcomer runs it (issue 14): a process that prints its URL, serves its page on 127.0.0.1
only, and is the real bot: what the page's API is asked goes to the bot as Slack's signed requests."""

from __future__ import annotations

import http.client
import json
import os
import socket
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.slack import ids
from tests.cli import careerplan, clean_env
from tests.demo import ANA, BEN, EVE, FAY, RunningDemo, running_demo
from tests.slackstate import state_from_initial

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDemo]:
    with running_demo(tmp_path_factory.mktemp("demo") / "careerplan-demo") as running:
        yield running


def blocks_text(view: dict[str, Any] | None) -> str:
    return json.dumps(view["blocks"] if view else [])


def top(state: dict[str, Any]) -> dict[str, Any]:
    assert state["modals"], "no modal is open"
    modal: dict[str, Any] = state["modals"][-1]
    return modal


def submit(demo: RunningDemo, user: str, typed: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    values = state_from_initial(top(demo.state(user)), typed)
    answer: dict[str, Any] = demo.api("/api/submit", {"user": user, "values": values})
    return answer


def value(text: str) -> dict[str, Any]:
    return {"value": text}


def button_in_dm(state: dict[str, Any], action_id: str) -> tuple[str, dict[str, Any]]:
    """The latest DM message with the button `action_id`, and the button."""
    for message in reversed(state["dm"]):
        for block in message["blocks"]:
            for element in block.get("elements", []) if block["type"] == "actions" else []:
                if element.get("action_id") == action_id:
                    return message["ts"], element
    raise AssertionError(f"no button {action_id} in the DM: {[m['text'] for m in state['dm']]}")


def _listening_addresses(pid: int) -> set[str]:
    """The local addresses of the TCP sockets process `pid` listens on (from /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    found = set()
    for table in ("tcp", "tcp6"):
        lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and inode in inodes:  # LISTEN
                address = local.split(":")[0]
                if table == "tcp":
                    found.add(".".join(str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0)))
                else:
                    found.add(address)
    return found


def test_it_prints_its_url_and_serves_the_page_on_loopback_only(demo: RunningDemo) -> None:
    assert demo.url.startswith("http://127.0.0.1:")
    assert not demo.url.endswith(":8765/"), "--port 0 chooses a free port"
    status, page, headers = demo.get("/")
    assert status == 200 and b"careerplan" in page
    assert "default-src 'self'" in headers["content-security-policy"]
    for asset in ("/static/blockkit.js", "/static/demo.js", "/static/slack.css"):
        assert demo.get(asset)[0] == 200, asset
    assert demo.get("/static/../org.py")[0] == 404
    # A site that points its own name at 127.0.0.1 (DNS rebinding) gets nothing from the page or its API.
    port = int(demo.url.rsplit(":", 1)[1].strip("/"))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/api/people", headers={"Host": f"evil.example:{port}"})
    assert conn.getresponse().status == 403
    conn.close()
    # The page, the bot and the Slack stand-in: all on loopback, nothing reachable from elsewhere.
    assert _listening_addresses(demo.process.pid) == {"127.0.0.1"}


def test_its_data_is_readable_by_its_owner_only(demo: RunningDemo) -> None:
    assert stat.S_IMODE(demo.data.stat().st_mode) == 0o700
    database = demo.data / "careerplan-demo.db"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert any(str(demo.data.resolve()) in line for line in demo.said)


def test_the_organisation_is_seeded_and_its_people_have_their_own_time(demo: RunningDemo) -> None:
    info = demo.api("/api/people")
    labels = [p["label"] for p in info["people"]]
    assert "Ana (employee)" in labels and "Ben (manager)" in labels
    assert all(p["local_time"] for p in info["people"])
    ben = demo.api("/api/home", {"user": BEN})
    shown = blocks_text(ben["home"])
    assert "Your team" in shown and "U0DEMOANA" in shown and "U0DEMOCAI" in shown
    assert any("is new to your team" in m["text"] for m in ben["dm"]), "the first-month reminder for Cai"


def test_a_plan_goes_through_the_wizard_then_a_manager_confirms_and_sees_it(demo: RunningDemo) -> None:
    demo.api("/api/home", {"user": EVE})
    opened = demo.api("/api/command", {"user": EVE, "text": "/careerplan"})
    assert top(opened)["callback_id"] == ids.VIEW_GOAL
    own = {"selected_option": {"text": {"type": "plain_text", "text": "A goal of my own"}, "value": "own"}}
    steps = submit(demo, EVE, {ids.BLOCK_GOAL_KIND: own, ids.BLOCK_GOAL_TEXT: value("Run the design team")})
    assert top(steps)["callback_id"] == ids.VIEW_STEPS
    # A target nobody can read is an inline error on its field, and the page stays.
    wrong = submit(demo, EVE, {"step_title_0": value("Senior designer"), "step_words_0": value("someday soon")})
    assert "step_words_0" in wrong["errors"]
    assert top(wrong)["callback_id"] == ids.VIEW_STEPS
    # Back keeps what was typed on the page left.
    values = state_from_initial(top(wrong), {"step_title_0": value("Senior designer")})
    back = demo.api(
        "/api/action",
        {"user": EVE, "where": "modal", "action": {"action_id": ids.ACTION_BACK}, "values": values},
    )
    assert top(back)["callback_id"] == ids.VIEW_GOAL
    assert back["errors"] == {}, "errors go with the view they were answered for"
    assert "Run the design team" in blocks_text(top(back))
    submit(demo, EVE)
    gaps = submit(demo, EVE, {"step_title_0": value("Senior designer"), "step_words_0": value("in 9 months")})
    assert top(gaps)["callback_id"] == ids.VIEW_GAPS
    saved = submit(demo, EVE, {"gap_0": value("Presenting to leadership")})
    assert "version 1" in blocks_text(top(saved))
    closed = demo.api("/api/close", {"user": EVE})
    assert closed["modals"] == []
    assert "Run the design team" in blocks_text(closed["home"])

    # Eve names Ben (typed as "@Ben", sent as Slack sends a mention); Ben confirms from his DM.
    asked = demo.api("/api/command", {"user": EVE, "text": "/careerplan manager @Ben"})
    assert asked["dm"], "Eve is told the request went out"
    ts, confirm = button_in_dm(demo.state(BEN), ids.ACTION_LINE_CONFIRM)
    action = {"action_id": confirm["action_id"], "value": confirm["value"]}
    after = demo.api("/api/action", {"user": BEN, "where": "message", "ts": ts, "action": action})
    confirmed = next(m for m in after["dm"] if m["ts"] == ts)
    assert confirmed.get("edited"), "the request is updated in place once answered"
    # Eve shares her plan from the DM that says Ben confirmed.
    ts, share = button_in_dm(demo.state(EVE), ids.ACTION_SHARE)
    demo.api(
        "/api/action",
        {
            "user": EVE,
            "where": "message",
            "ts": ts,
            "action": {"action_id": share["action_id"], "value": share["value"]},
        },
    )
    ben = demo.api("/api/home", {"user": BEN})
    assert "U0DEMOEVE" in blocks_text(ben["home"])


def test_a_script_in_a_goal_comes_back_as_text(demo: RunningDemo) -> None:
    user = "U0DEMOFAY"
    demo.api("/api/command", {"user": user, "text": "/careerplan"})
    own = {"selected_option": {"text": {"type": "plain_text", "text": "A goal of my own"}, "value": "own"}}
    submit(demo, user, {ids.BLOCK_GOAL_KIND: own, ids.BLOCK_GOAL_TEXT: value("<script>alert(1)</script> & more")})
    submit(demo, user, {"step_title_0": value("Director"), "step_words_0": value("in 2 years")})
    submit(demo, user, {"gap_0": value("Hiring")})
    home = demo.api("/api/close", {"user": user})["home"]
    shown = blocks_text(home)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in shown
    assert "<script>" not in shown


def test_help_is_an_ephemeral_note_in_the_dm(demo: RunningDemo) -> None:
    state = demo.api("/api/command", {"user": "U0DEMODAN", "text": "/careerplan help"})
    note = state["dm"][-1]
    assert note["ephemeral"] and "/careerplan" in note["text"]


def test_the_clock_moves_the_bots_time_and_sweeps(demo: RunningDemo) -> None:
    before = demo.api("/api/people")["date"]
    moved = demo.api("/api/clock", {"move": "day"})
    assert moved["date"] > before and "sent" in moved["report"]
    refused = demo.get("/api/clock")  # GET is not a move
    assert refused[0] == 404
    nxt = demo.api("/api/clock", {"move": "next"})
    assert nxt["date"] > moved["date"]


def test_the_demo_is_kept_between_runs_unless_fresh(tmp_path: Path) -> None:
    data = tmp_path / "kept"
    with running_demo(data) as first:
        moved = first.api("/api/clock", {"move": "week"})["date"]
        first.api("/api/command", {"user": EVE, "text": "/careerplan reflect"})
        first.api("/api/close", {"user": EVE})
    with running_demo(data) as again:
        assert again.api("/api/people")["date"] == moved, "the demo's clock is where it was left"
        ben = again.api("/api/home", {"user": BEN})
        assert any("is new to your team" in m["text"] for m in ben["dm"]), "the DMs are kept too"
        home = again.api("/api/home", {"user": "U0DEMOANA"})["home"]
        assert "Lead a small platform team" in blocks_text(home), "seeded once, still there"
    with running_demo(data, "--fresh") as fresh:
        assert fresh.api("/api/people")["date"] < moved, "--fresh starts the clock over"


def test_a_port_in_use_is_one_line_naming_the_fix(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            careerplan("demo", "--port", str(port), "--data", str(tmp_path / "d")),
            capture_output=True,
            text=True,
            env=clean_env(),
            timeout=60,
            check=False,
        )
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "--port" in done.stderr


def test_fay_is_the_demos_admin_and_gets_the_report_by_dm_while_ana_sees_no_workspace(demo: RunningDemo) -> None:
    fay = demo.api("/api/home", {"user": FAY})["home"]
    assert "Workspace" in blocks_text(fay) and "Send me the full report" in blocks_text(fay)
    assert "Send me the full report" not in blocks_text(demo.api("/api/home", {"user": ANA})["home"])
    after = demo.api("/api/action", {"user": FAY, "where": "home", "action": {"action_id": ids.ACTION_SEND_REPORT}})
    (shared,) = [f for m in after["dm"] for f in m.get("files", [])]
    status, raw, headers = demo.get(f"/api/file?user={FAY}&id={shared['id']}")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert headers["content-disposition"].startswith("attachment")  # downloaded, never run on the demo's page
    assert "careerplan report" in raw.decode() and "<svg" in raw.decode()
    # Ana can't download it, nor clicks her way to one.
    assert demo.get(f"/api/file?user={ANA}&id={shared['id']}")[0] == 404
    refused = demo.api("/api/action", {"user": ANA, "where": "home", "action": {"action_id": ids.ACTION_SEND_REPORT}})
    assert not [f for m in refused["dm"] for f in m.get("files", [])]
