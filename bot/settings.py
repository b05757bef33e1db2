"""Configuration from the environment (DESIGN.md §6), checked once at start-up."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import TypeVar

from bot.career import availability
from bot.career.availability import (
    DEFAULT_AWAY_MARKERS,
    MONDAY_TO_FRIDAY,
    AwayMarkers,
    UnreadableSetting,
    WorkingTime,
    parse_away_markers,
    parse_holidays,
    parse_work_days,
    parse_working_hours,
)

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_FILE = "careerplan.db"
NINE_TO_FIVE = (availability.NINE, availability.FIVE)
DEFAULT_SENDERS = 4  # reminders sent at once by one sweeper (each waits on Slack's answer)
DEFAULT_SEND_PER_MINUTE = 600  # a workspace's reminders a minute, all sweepers together (Slack: several hundred)


class SettingsError(Exception):
    """A missing or malformed setting; str(exc) is one line that names it."""


Parsed = TypeVar("Parsed")


@dataclass(frozen=True)
class Settings:
    bot_token: str
    signing_secret: str
    app_token: str | None
    database_url: str
    slack_api_url: str
    host: str
    port: int
    cadence_months: int
    lead_days: int
    work_start: time
    work_end: time
    log_level: str
    sweep_minutes: int = 5  # how often the scheduler looks for due nudges
    senders: int = DEFAULT_SENDERS  # CAREERPLAN_SENDERS
    send_per_minute: int = DEFAULT_SEND_PER_MINUTE  # CAREERPLAN_SEND_PER_MINUTE
    # The workspace's defaults for whoever has not chosen their own (Reminder settings on Home).
    work_days: frozenset[int] = MONDAY_TO_FRIDAY
    holidays: str | None = None  # a canonical calendar code (US, GB-ENG); None: no public holidays
    away_markers: AwayMarkers = DEFAULT_AWAY_MARKERS
    welcome: bool = False  # CAREERPLAN_WELCOME=on: a short welcome DM to joiners and first-time Home visitors
    health_port: int | None = None  # HEALTH_PORT: Socket Mode's /healthz on 127.0.0.1 (None: not served)
    log_format: str = "text"  # LOG_FORMAT: "text" lines, or "json", one object a line (for log collectors)
    metrics: bool = True  # CAREERPLAN_METRICS=off: no GET /metrics (Prometheus' counts) on PORT or HEALTH_PORT
    # CAREERPLAN_ADMINS: the Slack user ids who see the Workspace section on Home and may have the report by DM.
    admins: frozenset[str] = frozenset()

    @property
    def socket_mode(self) -> bool:
        return self.app_token is not None

    def working_time(
        self, tz: str | None, *, days: str | None = None, hours: str | None = None, holidays: str | None = None
    ) -> WorkingTime:
        """A person's working time: their stored choices (None: the workspace's) over this workspace's defaults."""
        default = WorkingTime(
            tz=tz, days=self.work_days, start=self.work_start, end=self.work_end, holidays=self.holidays
        )
        return availability.working_time(tz, days=days, hours=hours, holidays=holidays, default=default)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        app_token = _optional(env, "SLACK_APP_TOKEN")
        if app_token is not None and not app_token.startswith("xapp-"):
            raise SettingsError(
                "SLACK_APP_TOKEN must be an app-level token starting with xapp- "
                "(Basic Information → App-Level Tokens, scope connections:write)"
            )
        bot_token = _optional(env, "SLACK_BOT_TOKEN")
        if bot_token is None:
            raise SettingsError(
                "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) "
                "from your Slack app's OAuth & Permissions page"
            )
        if not bot_token.startswith("xoxb-"):
            raise SettingsError("SLACK_BOT_TOKEN must be a bot token starting with xoxb-")
        signing_secret = _optional(env, "SLACK_SIGNING_SECRET")
        if signing_secret is None and app_token is None:
            raise SettingsError(
                "SLACK_SIGNING_SECRET is not set: HTTP mode needs the Signing Secret from your Slack "
                "app's Basic Information page (or set SLACK_APP_TOKEN to use Socket Mode)"
            )
        work_start, work_end = _parsed(env, "CAREERPLAN_WORKING_HOURS", parse_working_hours, NINE_TO_FIVE)
        return cls(
            bot_token=bot_token,
            signing_secret=signing_secret or "",
            app_token=app_token,
            database_url=database_url(env),
            slack_api_url=_slack_api_url(env),
            host=_optional(env, "HOST") or "0.0.0.0",  # noqa: S104  (Slack must reach it)
            port=_int(env, "PORT", 3000, 0, 65535),
            cadence_months=_int(env, "CAREERPLAN_CADENCE_MONTHS", 3, 3, 6),
            lead_days=_int(env, "CAREERPLAN_LEAD_DAYS", 3, 0, 30),
            work_start=work_start,
            work_end=work_end,
            log_level=_log_level(env),
            log_format=log_format(env),
            sweep_minutes=_int(env, "CAREERPLAN_SWEEP_MINUTES", 5, 1, 60),
            senders=_int(env, "CAREERPLAN_SENDERS", DEFAULT_SENDERS, 1, 32),
            send_per_minute=_int(env, "CAREERPLAN_SEND_PER_MINUTE", DEFAULT_SEND_PER_MINUTE, 1, 6000),
            work_days=_parsed(env, "CAREERPLAN_WORK_DAYS", parse_work_days, MONDAY_TO_FRIDAY),
            holidays=_parsed(env, "CAREERPLAN_HOLIDAYS", parse_holidays, None),
            away_markers=_parsed(env, "CAREERPLAN_AWAY_STATUSES", parse_away_markers, DEFAULT_AWAY_MARKERS),
            welcome=_on_off(env, "CAREERPLAN_WELCOME", default=False),
            metrics=_on_off(env, "CAREERPLAN_METRICS", default=True),
            health_port=_int(env, "HEALTH_PORT", 0, 0, 65535) if _optional(env, "HEALTH_PORT") else None,
            admins=_admins(env),
        )


def database_url(env: Mapping[str, str] | None = None) -> str:
    """DATABASE_URL, defaulting to a SQLite file in the working directory."""
    env = os.environ if env is None else env
    url = _optional(env, "DATABASE_URL")
    if url is None:
        return f"sqlite:///{Path(DEFAULT_DATABASE_FILE).resolve()}"
    if not re.match(r"^(sqlite|postgres|postgresql)(\+\w+)?://", url):
        raise SettingsError(
            "DATABASE_URL must start with sqlite:/// or postgresql:// "
            "(e.g. sqlite:///careerplan.db or postgresql://user@host/db)"
        )
    return url


def _optional(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = _optional(env, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number from {low} to {high}, not {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be a whole number from {low} to {high}, not {raw!r}")
    return value


def _on_off(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    raw = _optional(env, name)
    if raw is None:
        return default
    if raw.lower() not in ("on", "off"):
        raise SettingsError(f"{name} must be on or off, not {raw!r}")
    return raw.lower() == "on"


ADMIN_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")  # a Slack user id, as bot.usecases.common.SLACK_USER_ID


def _admins(env: Mapping[str, str]) -> frozenset[str]:
    """CAREERPLAN_ADMINS: Slack user ids separated by commas or spaces (a typo must not pass as a name)."""
    raw = _optional(env, "CAREERPLAN_ADMINS") or ""
    entries = [entry for entry in re.split(r"[,\s]+", raw) if entry]
    for entry in entries:
        if not ADMIN_ID.fullmatch(entry):
            shown = entry if len(entry) <= 40 else entry[:40] + "…"
            raise SettingsError(
                f"CAREERPLAN_ADMINS must list Slack user ids such as U0123ABCD (Profile → ⋮ → Copy member ID), "
                f"separated by commas or spaces; {shown!r} is not one"
            )
    return frozenset(entries)


def _slack_api_url(env: Mapping[str, str]) -> str:
    url = _optional(env, "SLACK_API_URL") or DEFAULT_SLACK_API_URL
    if not re.match(r"^https?://[^/\s]+", url):
        raise SettingsError(f"SLACK_API_URL must be an http(s) URL such as {DEFAULT_SLACK_API_URL}")
    return url if url.endswith("/") else url + "/"


def _parsed(env: Mapping[str, str], name: str, parse: Callable[[str], Parsed], default: Parsed) -> Parsed:
    """A variable read by one of the availability parsers, its problem reported under the variable's own name."""
    raw = _optional(env, name)
    if raw is None:
        return default
    try:
        return parse(raw)
    except UnreadableSetting as unreadable:
        raise SettingsError(f"{name} {unreadable.problem}") from None


def log_format(env: Mapping[str, str] | None = None) -> str:
    """LOG_FORMAT: "text" (the default) or "json"."""
    env = os.environ if env is None else env
    chosen = (_optional(env, "LOG_FORMAT") or "text").lower()
    if chosen not in {"text", "json"}:
        raise SettingsError(f"LOG_FORMAT must be text or json, not {chosen!r}")
    return chosen


def _log_level(env: Mapping[str, str]) -> str:
    level = (_optional(env, "LOG_LEVEL") or "INFO").upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise SettingsError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
    return level
