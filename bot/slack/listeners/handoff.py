"""Answer Slack the moment a listener acks, while the listener goes on with its work after the ack.

Bolt's default (process_before_response=False) runs a listener on its executor and checks for the ack every
10 ms: each acknowledgement waited 10 ms, more than the bot spent on it. The app runs with
process_before_response=True instead, where Bolt answers with whatever the listener function returns or acked,
and every listener is registered through `after_ack`: the listener still runs on Bolt's listener executor, as
before, and the request's thread is woken by the ack itself (or the listener's end), never by a poll. The ack
body (an ephemeral reply, `response_action` errors, update or push) is the HTTP answer, as before; the work
after the ack (views.open, DMs, database writes) goes on on the executor; a failure is handed to Bolt's error
handler (the app's `on_error`) on whichever side of the ack it happened, as Bolt's own runner does.

Work a middleware wants done for the request, that neither the ack nor the listener needs (`after_listener`),
runs on the listener's thread once the listener is done: it does not compete with the ack or the views.open
for the interpreter lock."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from slack_bolt import Ack, BoltContext, BoltRequest, BoltResponse
from slack_bolt.kwargs_injection import build_required_kwargs
from slack_bolt.listener.listener_error_handler import ListenerErrorHandler
from slack_bolt.util.utils import get_arg_names_of_callable

# How long the request's thread waits for a listener's ack: Bolt's own (Listener.ack_timeout). Slack gives up
# after 3 s anyway; a listener that has not acked by then is logged by Bolt, as before.
ACK_TIMEOUT_SECONDS = 3.0

# How long a listener that acked waits for the request's thread to take the answer before working on.
YIELD_SECONDS = 0.05

log = logging.getLogger("careerplan")

# The context's list of work for after the listener (see `after_listener`).
_LATER = "careerplan_after_listener"


def after_listener(context: BoltContext, work: Callable[[], None]) -> None:
    """Have `work` run once the request's listener is done, on its thread (see `left_over` for a request that
    reaches no listener). `work` handles its own errors; one it lets out is logged, by its type only."""
    context.setdefault(_LATER, []).append(work)


def left_over(context: BoltContext) -> list[Callable[[], None]]:
    """The work `after_listener` was given that no listener took (the request matched none): the caller runs it."""
    later: list[Callable[[], None]] = context.pop(_LATER, [])
    return later


def _run_later(later: list[Callable[[], None]]) -> None:
    for work in later:
        try:
            work()
        except Exception as error:
            log.error("work after a listener failed: %s", type(error).__name__)


class _Handoff:
    """One request between its thread (waiting for the ack) and the listener's (acking, then working on)."""

    def __init__(self) -> None:
        self.acked_or_ended = threading.Event()
        self.returned = threading.Event()  # the request's thread has handed Bolt its answer
        self.lock = threading.Lock()
        self.waiting = True  # the request's thread has not answered yet
        self.error: Exception | None = None  # raised before the ack, for the request's thread to raise


class _SignallingAck(Ack):
    """The request's own Ack (whose response Bolt answers with), which also wakes the request's thread."""

    def __init__(self, acked: Ack, handoff: _Handoff) -> None:
        self.response = None  # all Ack.__init__ does (it is untyped)
        self._acked = acked
        self._handoff = handoff

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        try:
            response: BoltResponse = self._acked(*args, **kwargs)
            self.response = response
            return response
        finally:
            self._handoff.acked_or_ended.set()
            # Let the request's thread answer before this one goes on: they share one interpreter lock.
            self._handoff.returned.wait(YIELD_SECONDS)


def after_ack(
    listener: Callable[..., None],
    executor: Callable[[], Executor],
    error_handler: Callable[[], ListenerErrorHandler],
    *,
    auto_ack: bool = False,
) -> Callable[[BoltRequest], None]:
    """`listener`, as Bolt's listener function under process_before_response=True.

    Bolt's keyword arguments for `listener` are built as Bolt builds them; its `ack` wakes the request's thread,
    which then returns (Bolt answers with the ack's response). `auto_ack`: Bolt acks these itself (events), so
    the answer goes at once. `executor` and `error_handler` are looked up when used: Bolt's at that moment (a
    test may give the app a fresh executor)."""
    names = get_arg_names_of_callable(listener)

    def acknowledged(request: BoltRequest) -> None:
        ack = request.context.ack
        later = left_over(request.context)
        if auto_ack:
            # As Bolt acks the Events API before running the listener: the answer does not wait on it.
            ack()
        handoff = _Handoff()
        kwargs = build_required_kwargs(
            logger=log, required_arg_names=list(names), request=request, response=None, this_func=listener
        )
        if "ack" in kwargs:
            kwargs["ack"] = _SignallingAck(ack, handoff)

        def work() -> None:
            try:
                listener(**kwargs)
            except Exception as error:
                with handoff.lock:
                    before_ack = handoff.waiting and ack.response is None
                    if before_ack:
                        handoff.error = error
                if not before_ack:
                    # After the ack (or past the wait): the HTTP answer is gone; Bolt's handler logs and tells.
                    error_handler().handle(error=error, request=request, response=None)
            finally:
                handoff.acked_or_ended.set()
                _run_later(later)

        executor().submit(work)
        if not auto_ack:
            handoff.acked_or_ended.wait(ACK_TIMEOUT_SECONDS)
        with handoff.lock:
            handoff.waiting = False
            error = handoff.error
        handoff.returned.set()
        if error is not None:
            # Failed before acking: Bolt answers 500 and runs the error handler, as for a listener that raises.
            raise error

    return acknowledged
