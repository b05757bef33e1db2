"""What `GET /metrics` shows Prometheus: counts only, in its text format.

One `Metrics` per running bot, holding its own registry (not prometheus_client's global one, so several apps in one
process, as in the tests, never mix their counts), passed explicitly to the Slack app (requests, listener failures),
the HTTP servers (refused requests, and serving /metrics) and the sweep (passes, reminders).

No metric holds anything a person typed or a Slack id: every label is one of a few fixed words, and a caller's word
outside them is counted as "other". Imports neither Slack nor SQLAlchemy, so every layer that counts may use it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Final

from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector, make_wsgi_app
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

log = logging.getLogger("careerplan.metrics")

# The kinds of request Slack sends (a slash command, or a payload's `type`); any other is "other".
REQUEST_KINDS: Final = ("command", "block_actions", "view_submission", "view_closed", "event_callback", "other")
# Why the HTTP server refused a request before any listener saw it.
REFUSALS: Final = (
    "unsigned",  # 401: no valid Slack signature (or one too old)
    "unreadable",  # 400: a body or HTTP request that cannot be parsed
    "too_large",  # 413 (a body over the cap) or 431 (headers over the cap)
)
# What made a listener fail: the database did not answer, or anything else.
FAILURE_CAUSES: Final = ("database_unavailable", "other")
SWEEP_OUTCOMES: Final = ("completed", "failed")
# A pass with nothing to do takes milliseconds; one sending many DMs waits on Slack for each.
SWEEP_SECONDS_BUCKETS: Final = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)
# How long a scrape waits for the database to count the queued reminders before it leaves that gauge out.
QUEUE_TIMEOUT_SECONDS: Final = 2.0
QUEUED: Final = "careerplan_reminders_queued"


class Metrics:
    """The bot's counters and its registry. Cheap to make: every app and sweep has one, served or not."""

    def __init__(
        self, *, queued: Callable[[], int] | None = None, queue_timeout: float = QUEUE_TIMEOUT_SECONDS
    ) -> None:
        """`queued`: how many reminders wait to be sent, read from the database at each scrape (within
        `queue_timeout` seconds; the gauge is left out of a scrape when it fails or takes longer)."""
        self.registry = CollectorRegistry()
        self._requests = Counter(
            "careerplan_slack_requests",
            "Requests from Slack that passed its signature check, by kind (over HTTP or Socket Mode).",
            ["kind"],
            registry=self.registry,
        )
        self._refused = Counter(
            "careerplan_slack_requests_refused",
            "HTTP requests refused before any listener saw them, by reason: unsigned (401), unreadable (400), "
            "too_large (413, 431).",
            ["reason"],
            registry=self.registry,
        )
        self._listener_failures = Counter(
            "careerplan_listener_failures",
            "Listeners that raised (the person was told something went wrong), by request kind and cause.",
            ["kind", "cause"],
            registry=self.registry,
        )
        self._passes = Counter(
            "careerplan_sweep_passes",
            "Sweep passes, by outcome: completed, or failed (the next pass runs as scheduled).",
            ["outcome"],
            registry=self.registry,
        )
        self._pass_seconds = Histogram(
            "careerplan_sweep_duration_seconds",
            "How long each sweep pass took, completed or failed.",
            buckets=SWEEP_SECONDS_BUCKETS,
            registry=self.registry,
        )
        reminders = "Reminders (nudge DMs) {}, as the sweep's passes counted them."
        self._enqueued = Counter(
            "careerplan_reminders_enqueued", reminders.format("owed and queued"), registry=self.registry
        )
        self._sent = Counter("careerplan_reminders_sent", reminders.format("sent"), registry=self.registry)
        self._retried = Counter(
            "careerplan_reminders_retried",
            reminders.format("Slack refused for now (rate limit, server error, timeout): they are tried again later"),
            registry=self.registry,
        )
        self._failed = Counter(
            "careerplan_reminders_failed",
            reminders.format("that can never be delivered (the account is gone): dropped"),
            registry=self.registry,
        )
        # Every label's series from the start, at 0: a rate over a series that appears late misses its first count.
        for kind in REQUEST_KINDS:
            self._requests.labels(kind)
            for cause in FAILURE_CAUSES:
                self._listener_failures.labels(kind, cause)
        for reason in REFUSALS:
            self._refused.labels(reason)
        for outcome in SWEEP_OUTCOMES:
            self._passes.labels(outcome)
        if queued is not None:
            self.registry.register(_Queued(queued, queue_timeout))
        ProcessCollector(registry=self.registry)  # process_*: memory, CPU, open file descriptors (Linux)

    def request(self, kind: str) -> None:
        self._requests.labels(_known(kind, REQUEST_KINDS)).inc()

    def refused(self, reason: str) -> None:
        self._refused.labels(_known(reason, REFUSALS, "unreadable")).inc()

    def listener_failed(self, kind: str, *, database_unavailable: bool) -> None:
        cause = "database_unavailable" if database_unavailable else "other"
        self._listener_failures.labels(_known(kind, REQUEST_KINDS), cause).inc()

    def swept(self, seconds: float, *, completed: bool, enqueued: int, sent: int, retried: int, failed: int) -> None:
        """One sweep pass, and what it did with reminders (as far as it got, if it failed)."""
        self._passes.labels("completed" if completed else "failed").inc()
        self._pass_seconds.observe(seconds)
        self._enqueued.inc(enqueued)
        self._sent.inc(sent)
        self._retried.inc(retried)
        self._failed.inc(failed)

    def wsgi(self) -> WSGIApplication:
        """A WSGI app answering GET with every metric, in the text format the scraper asks for (Prometheus' own, or
        OpenMetrics), gzipped if it accepts that."""
        app: WSGIApplication = make_wsgi_app(self.registry)
        return app


def _known(word: str, words: Iterable[str], otherwise: str = "other") -> str:
    return word if word in words else otherwise


class _Queued(Collector):
    """careerplan_reminders_queued, read at each scrape, at most one read at a time and for at most `timeout`
    seconds: while the database is down or slow the gauge is left out, and the rest of /metrics is still served."""

    def __init__(self, queued: Callable[[], int], timeout: float) -> None:
        self._queued = queued
        self._timeout = timeout
        self._reading = threading.Lock()
        self._failing = False

    def describe(self) -> Iterable[Metric]:
        return [GaugeMetricFamily(QUEUED, _QUEUED_HELP)]

    def collect(self) -> Iterator[Metric]:
        depth = self._read()
        if depth is not None:
            yield GaugeMetricFamily(QUEUED, _QUEUED_HELP, value=depth)

    def _read(self) -> int | None:
        if not self._reading.acquire(blocking=False):
            return None  # the last scrape's read is still waiting on the database
        answer: list[int] = []

        def read() -> None:
            try:
                answer.append(self._queued())
                self._failing = False
            except Exception as exc:
                if not self._failing:  # said once, not at every scrape of an outage
                    log.warning("metrics: the queued reminders could not be counted (%s)", type(exc).__name__)
                self._failing = True
            finally:
                self._reading.release()

        # A daemon thread, not a pool's: one stuck on a database that never answers does not keep the bot from exiting.
        reader = threading.Thread(target=read, name="careerplan-metrics-queued", daemon=True)
        reader.start()
        reader.join(self._timeout)
        return answer[0] if answer else None


_QUEUED_HELP = (
    "Reminders waiting to be sent (due later, waiting for working hours or an absence to end, or to be retried), "
    "counted in the database at each scrape; absent from a scrape when the database does not answer in time."
)
