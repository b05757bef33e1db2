"""Serve a Bolt app over real HTTP on 127.0.0.1 (port 0) for a test, exactly as `careerplan run` does (same limits)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, cast

from slack_bolt import App
from waitress import wasyncore

from bot.metrics import Metrics
from bot.slack.server import make_server


@contextmanager
def serving(app: App, metrics: Metrics | None = None) -> Iterator[str]:
    """Yield the base URL (http://127.0.0.1:PORT) while the app is served; stop it cleanly after. `metrics`: the
    app's (create_app's), shown at /metrics.

    Stopping waits for the listeners still working after their ack (Bolt runs them on its own threads), so
    none outlives the block: none calls a fake Slack or a database the caller has closed by then."""
    sockets: dict[int, Any] = {}
    server = make_server(app, "127.0.0.1", 0, threads=4, map=sockets, metrics=metrics)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{cast(Any, server).effective_port}"
    finally:
        stop_serving(server, thread, sockets)
        wait_for_listeners(app)


def stop_serving(server: Any, thread: threading.Thread, sockets: dict[int, Any]) -> None:
    """Close a waitress server served on `thread` with its socket map `sockets`, and wait for it."""
    try:
        # Ask the server's own loop to close its sockets (waitress' loop is not thread-safe).
        server.trigger.pull_trigger(lambda: wasyncore.close_all(sockets))
    except OSError:
        # The loop's wake-up pipe is already gone (seen in CI, under load): its descriptors' numbers may belong to
        # someone else by now, so they are left alone; the server's own sockets are closed from here.
        for dispatcher in list(sockets.values()):
            if dispatcher is server.trigger:
                dispatcher.del_channel()
            else:
                dispatcher.close()
    thread.join(timeout=5)
    server.task_dispatcher.shutdown(timeout=5)


def let_listeners_finish(app: App) -> None:
    """Wait for every listener still working after its ack; the app goes on taking requests (on a fresh pool of
    listener threads, as many as Bolt's)."""
    done = app.listener_runner.listener_executor
    done.shutdown(wait=True)
    workers = getattr(done, "_max_workers", 10)
    app.listener_runner.listener_executor = ThreadPoolExecutor(max_workers=workers)


def wait_for_listeners(app: App) -> None:
    """Wait for every listener still working after its ack (Bolt runs them on its own threads); the app takes
    no more requests after this."""
    app.listener_runner.listener_executor.shutdown(wait=True)
