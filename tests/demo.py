"""`careerplan demo` as a newcomer runs it: a process of its own, found by the URL it prints, driven over its page's
JSON API (or by a browser, tests/e2e/test_demo_browser.py)."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.demo import org
from tests.cli import careerplan, clean_env

START_TIMEOUT = 10.0  # DESIGN.md §8: the page is served within 10 s of `careerplan demo`


@dataclass
class RunningDemo:
    process: subprocess.Popen[str]
    url: str  # the page, http://127.0.0.1:PORT/
    data: Path
    said: list[str] = field(default_factory=list)  # what it printed on stdout

    def get(self, path: str) -> tuple[int, bytes, dict[str, str]]:
        try:
            with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=30) as answer:
                return answer.status, answer.read(), {k.lower(): v for k, v in answer.headers.items()}
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), {k.lower(): v for k, v in exc.headers.items()}

    def api(self, path: str, body: dict[str, Any] | None = None) -> Any:
        """GET (no body) or POST `body` as JSON to the page's API; the answer's JSON (an error answer raises)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path.lstrip("/"), data=data, method="GET" if body is None else "POST"
        )
        if body is not None:
            request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.loads(answer.read())

    def state(self, user: str) -> dict[str, Any]:
        state: dict[str, Any] = self.api(f"/api/state?user={user}")
        return state


@contextmanager
def running_demo(data: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[RunningDemo]:
    """`careerplan demo --port 0 --data DATA ARGS` until the block ends, then SIGTERM: it must stop cleanly."""
    process = subprocess.Popen(
        careerplan("demo", "--port", "0", "--data", str(data), *args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(**(env or {})),
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    said: list[str] = []
    url = None
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while url is None:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"careerplan demo printed no URL within {START_TIMEOUT} s: {said}") from None
            if line is None:
                raise AssertionError(f"careerplan demo ended: {said} {process.stderr.read() if process.stderr else ''}")
            said.append(line)
            if "open http://" in line:
                url = line.split("open ", 1)[1].split()[0]
        yield RunningDemo(process, url, data, said)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""


ANA, BEN, CAI, DAN, FAY, EVE = (p.user_id for p in org.PEOPLE)
