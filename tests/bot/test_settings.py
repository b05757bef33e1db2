"""Settings.from_env: every variable the bot reads, its default, and the one line a malformed value gets."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from bot.career.availability import DEFAULT_AWAY_MARKERS, MONDAY_TO_FRIDAY, AwayMarkers, WorkingTime
from bot.settings import Settings, SettingsError, database_url

HTTP = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "secret"}
EVERY_INTERFACE = "0.0.0.0"  # noqa: S104  (the default: Slack must reach the bot)


@pytest.mark.parametrize(
    ("field", "default"),
    [
        ("bot_token", "xoxb-1"),
        ("signing_secret", "secret"),
        ("app_token", None),
        ("socket_mode", False),
        ("slack_api_url", "https://slack.com/api/"),
        ("host", EVERY_INTERFACE),
        ("port", 3000),
        ("cadence_months", 3),
        ("lead_days", 3),
        ("work_start", time(9, 0)),
        ("work_end", time(17, 0)),
        ("log_level", "INFO"),
        ("sweep_minutes", 5),
        ("work_days", MONDAY_TO_FRIDAY),
        ("holidays", None),
        ("away_markers", DEFAULT_AWAY_MARKERS),
        ("welcome", False),
        ("metrics", True),
        ("admins", frozenset()),
    ],
)
def test_what_is_not_set_takes_its_default(field: str, default: object) -> None:
    assert getattr(Settings.from_env(HTTP), field) == default


def test_the_database_is_careerplan_db_in_the_working_directory_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    expected = f"sqlite:///{tmp_path.resolve() / 'careerplan.db'}"
    assert Settings.from_env(HTTP).database_url == expected
    assert database_url({}) == expected
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")  # where the command runs, not where it was installed
    assert database_url({}) == f"sqlite:///{tmp_path.resolve() / 'elsewhere' / 'careerplan.db'}"


# Each optional variable, and what a value left empty in a .env file or a compose file leaves it at.
DEFAULTS = [
    ("SLACK_APP_TOKEN", "app_token", None),
    ("SLACK_API_URL", "slack_api_url", "https://slack.com/api/"),
    ("HOST", "host", EVERY_INTERFACE),
    ("PORT", "port", 3000),
    ("CAREERPLAN_CADENCE_MONTHS", "cadence_months", 3),
    ("CAREERPLAN_LEAD_DAYS", "lead_days", 3),
    ("CAREERPLAN_WORKING_HOURS", "work_start", time(9, 0)),
    ("CAREERPLAN_WORKING_HOURS", "work_end", time(17, 0)),
    ("LOG_LEVEL", "log_level", "INFO"),
    ("CAREERPLAN_SWEEP_MINUTES", "sweep_minutes", 5),
    ("CAREERPLAN_WORK_DAYS", "work_days", MONDAY_TO_FRIDAY),
    ("CAREERPLAN_HOLIDAYS", "holidays", None),
    ("CAREERPLAN_AWAY_STATUSES", "away_markers", DEFAULT_AWAY_MARKERS),
    ("CAREERPLAN_METRICS", "metrics", True),
]


@pytest.mark.parametrize("blank", ["", "  "], ids=["empty", "spaces"])
@pytest.mark.parametrize(("name", "field", "default"), DEFAULTS, ids=[f"{name}.{field}" for name, field, _ in DEFAULTS])
def test_a_blank_value_is_as_if_unset(name: str, field: str, default: object, blank: str) -> None:
    assert getattr(Settings.from_env({**HTTP, name: blank}), field) == default


@pytest.mark.parametrize("blank", ["", "  "], ids=["empty", "spaces"])
def test_a_blank_database_url_is_the_default_file(blank: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert Settings.from_env({**HTTP, "DATABASE_URL": blank}).database_url == (
        f"sqlite:///{tmp_path.resolve() / 'careerplan.db'}"
    )


@pytest.mark.parametrize(
    ("name", "raw", "field", "value"),
    [
        ("SLACK_BOT_TOKEN", " xoxb-pasted-with-a-newline\n", "bot_token", "xoxb-pasted-with-a-newline"),
        ("SLACK_SIGNING_SECRET", " s3cret ", "signing_secret", "s3cret"),
        ("HOST", "127.0.0.1", "host", "127.0.0.1"),
        ("PORT", "8080", "port", 8080),
        ("PORT", " 8080 ", "port", 8080),
        ("PORT", "0", "port", 0),  # a free port, printed at start-up
        ("PORT", "65535", "port", 65535),
        ("CAREERPLAN_CADENCE_MONTHS", "3", "cadence_months", 3),
        ("CAREERPLAN_CADENCE_MONTHS", "6", "cadence_months", 6),
        ("CAREERPLAN_LEAD_DAYS", "0", "lead_days", 0),
        ("CAREERPLAN_LEAD_DAYS", "30", "lead_days", 30),
        ("CAREERPLAN_SWEEP_MINUTES", "1", "sweep_minutes", 1),
        ("CAREERPLAN_SWEEP_MINUTES", "60", "sweep_minutes", 60),
        ("CAREERPLAN_WORKING_HOURS", "08:30-18:00", "work_start", time(8, 30)),
        ("CAREERPLAN_WORKING_HOURS", "08:30-18:00", "work_end", time(18, 0)),
        ("CAREERPLAN_WORKING_HOURS", " 7:00 - 15:45 ", "work_start", time(7, 0)),
        ("CAREERPLAN_WORKING_HOURS", " 7:00 - 15:45 ", "work_end", time(15, 45)),
        ("CAREERPLAN_WORKING_HOURS", "00:00-23:59", "work_end", time(23, 59)),
        ("CAREERPLAN_WELCOME", "on", "welcome", True),
        ("CAREERPLAN_WELCOME", " ON ", "welcome", True),
        ("CAREERPLAN_WELCOME", "off", "welcome", False),
        ("CAREERPLAN_METRICS", "off", "metrics", False),
        ("CAREERPLAN_METRICS", " OFF ", "metrics", False),
        ("CAREERPLAN_METRICS", "on", "metrics", True),
        ("LOG_LEVEL", "debug", "log_level", "DEBUG"),
        ("LOG_LEVEL", " Warning ", "log_level", "WARNING"),
        ("LOG_LEVEL", "ERROR", "log_level", "ERROR"),
        ("SLACK_API_URL", "http://127.0.0.1:8080/api/", "slack_api_url", "http://127.0.0.1:8080/api/"),
        ("SLACK_API_URL", "http://127.0.0.1:8080/api", "slack_api_url", "http://127.0.0.1:8080/api/"),
        ("SLACK_API_URL", "https://slack.example", "slack_api_url", "https://slack.example/"),
        ("DATABASE_URL", "sqlite:///data/careerplan.db", "database_url", "sqlite:///data/careerplan.db"),
        ("DATABASE_URL", "sqlite:////var/lib/careerplan.db", "database_url", "sqlite:////var/lib/careerplan.db"),
        ("DATABASE_URL", "postgresql://bot@db/careerplan", "database_url", "postgresql://bot@db/careerplan"),
        ("DATABASE_URL", "postgres://bot@db/careerplan", "database_url", "postgres://bot@db/careerplan"),
        (
            "DATABASE_URL",
            "postgresql+psycopg://bot:pw@db:5432/cp",
            "database_url",
            "postgresql+psycopg://bot:pw@db:5432/cp",
        ),
        ("DATABASE_URL", " sqlite:///cp.db ", "database_url", "sqlite:///cp.db"),
        ("CAREERPLAN_WORK_DAYS", "Sun-Thu", "work_days", frozenset({6, 0, 1, 2, 3})),
        ("CAREERPLAN_WORK_DAYS", " mon-wed, fri ", "work_days", frozenset({0, 1, 2, 4})),
        ("CAREERPLAN_WORK_DAYS", "Monday-Friday", "work_days", MONDAY_TO_FRIDAY),
        ("CAREERPLAN_HOLIDAYS", "US", "holidays", "US"),
        ("CAREERPLAN_HOLIDAYS", "gb-eng", "holidays", "GB-ENG"),
        ("CAREERPLAN_HOLIDAYS", "DE-BY", "holidays", "DE-BY"),
        ("CAREERPLAN_HOLIDAYS", "none", "holidays", None),
        (
            "CAREERPLAN_AWAY_STATUSES",
            ":sailboat:, gone fishing",
            "away_markers",
            AwayMarkers(frozenset({":sailboat:"}), ("gone fishing",)),
        ),
        ("CAREERPLAN_AWAY_STATUSES", "none", "away_markers", AwayMarkers()),
    ],
)
def test_a_value_that_is_set_is_the_one_used(name: str, raw: str, field: str, value: object) -> None:
    assert getattr(Settings.from_env({**HTTP, name: raw}), field) == value


@pytest.mark.parametrize(
    ("env", "mode", "app_token", "signing_secret"),
    [
        pytest.param(HTTP, False, None, "secret", id="http"),
        pytest.param({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, True, "xapp-1", "", id="socket"),
        pytest.param({**HTTP, "SLACK_APP_TOKEN": " xapp-1 "}, True, "xapp-1", "secret", id="socket-with-secret"),
    ],
)
def test_an_app_token_means_socket_mode_and_then_no_signing_secret_is_needed(
    env: dict[str, str], mode: bool, app_token: str | None, signing_secret: str
) -> None:
    settings = Settings.from_env(env)
    assert (settings.socket_mode, settings.app_token, settings.signing_secret) == (mode, app_token, signing_secret)


BOT_TOKEN_NOT_SET = (
    "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page"
)
SIGNING_SECRET_NOT_SET = (
    "SLACK_SIGNING_SECRET is not set: HTTP mode needs the Signing Secret from your Slack app's Basic Information page "
    "(or set SLACK_APP_TOKEN to use Socket Mode)"
)
NOT_AN_APP_TOKEN = (
    "SLACK_APP_TOKEN must be an app-level token starting with xapp- "
    "(Basic Information → App-Level Tokens, scope connections:write)"
)
NOT_A_DATABASE_URL = "DATABASE_URL must start with sqlite:/// or postgresql:// (e.g. sqlite:///careerplan.db or postgresql://user@host/db)"
NOT_AN_API_URL = "SLACK_API_URL must be an http(s) URL such as https://slack.com/api/"
HOURS = "CAREERPLAN_WORKING_HOURS must look like 09:00-17:00, not "


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, BOT_TOKEN_NOT_SET),
        ({"SLACK_BOT_TOKEN": "  ", "SLACK_SIGNING_SECRET": "s"}, BOT_TOKEN_NOT_SET),
        (
            {"SLACK_BOT_TOKEN": "xoxp-user-token", "SLACK_SIGNING_SECRET": "s"},
            ("SLACK_BOT_TOKEN must be a bot token starting with xoxb-"),
        ),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, SIGNING_SECRET_NOT_SET),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": " "}, SIGNING_SECRET_NOT_SET),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-not-app"}, NOT_AN_APP_TOKEN),
        ({**HTTP, "SLACK_APP_TOKEN": "xoxb-1"}, NOT_AN_APP_TOKEN),
        ({"SLACK_APP_TOKEN": "xapp-1"}, BOT_TOKEN_NOT_SET),
    ],
)
def test_a_missing_or_wrong_token_gets_one_line_that_names_it(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(env)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("PORT", "eighty", "PORT must be a whole number from 0 to 65535, not 'eighty'"),
        ("PORT", "3000.0", "PORT must be a whole number from 0 to 65535, not '3000.0'"),
        ("PORT", "-1", "PORT must be a whole number from 0 to 65535, not '-1'"),
        ("PORT", "65536", "PORT must be a whole number from 0 to 65535, not '65536'"),
        ("CAREERPLAN_CADENCE_MONTHS", "2", "CAREERPLAN_CADENCE_MONTHS must be a whole number from 3 to 6, not '2'"),
        ("CAREERPLAN_CADENCE_MONTHS", "7", "CAREERPLAN_CADENCE_MONTHS must be a whole number from 3 to 6, not '7'"),
        (
            "CAREERPLAN_CADENCE_MONTHS",
            "three",
            ("CAREERPLAN_CADENCE_MONTHS must be a whole number from 3 to 6, not 'three'"),
        ),
        ("CAREERPLAN_LEAD_DAYS", "-1", "CAREERPLAN_LEAD_DAYS must be a whole number from 0 to 30, not '-1'"),
        ("CAREERPLAN_LEAD_DAYS", "31", "CAREERPLAN_LEAD_DAYS must be a whole number from 0 to 30, not '31'"),
        ("CAREERPLAN_LEAD_DAYS", "1.5", "CAREERPLAN_LEAD_DAYS must be a whole number from 0 to 30, not '1.5'"),
        ("CAREERPLAN_SWEEP_MINUTES", "0", "CAREERPLAN_SWEEP_MINUTES must be a whole number from 1 to 60, not '0'"),
        ("CAREERPLAN_SWEEP_MINUTES", "61", "CAREERPLAN_SWEEP_MINUTES must be a whole number from 1 to 60, not '61'"),
        ("CAREERPLAN_WORKING_HOURS", "9-17", HOURS + "'9-17'"),
        ("CAREERPLAN_WORKING_HOURS", "9am-5pm", HOURS + "'9am-5pm'"),
        ("CAREERPLAN_WORKING_HOURS", "09:00–17:00", HOURS + "'09:00–17:00'"),  # an en dash
        ("CAREERPLAN_WORKING_HOURS", "09:00-24:00", HOURS + "'09:00-24:00'"),
        ("CAREERPLAN_WORKING_HOURS", "09:60-17:00", HOURS + "'09:60-17:00'"),
        ("CAREERPLAN_WORKING_HOURS", "17:00-09:00", HOURS + "'17:00-09:00' (the start must come before the end)"),
        ("CAREERPLAN_WORKING_HOURS", "09:00-09:00", HOURS + "'09:00-09:00' (the start must come before the end)"),
        ("CAREERPLAN_WELCOME", "yes", "CAREERPLAN_WELCOME must be on or off, not 'yes'"),
        ("CAREERPLAN_WELCOME", "1", "CAREERPLAN_WELCOME must be on or off, not '1'"),
        ("CAREERPLAN_METRICS", "false", "CAREERPLAN_METRICS must be on or off, not 'false'"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT must be text or json, not 'xml'"),
        ("LOG_LEVEL", "verbose", "LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not 'VERBOSE'"),
        ("LOG_LEVEL", "CRITICAL", "LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not 'CRITICAL'"),
        ("LOG_LEVEL", "10", "LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not '10'"),
        ("SLACK_API_URL", "slack.com/api/", NOT_AN_API_URL),
        ("SLACK_API_URL", "ftp://slack.com/api/", NOT_AN_API_URL),
        ("SLACK_API_URL", "https://", NOT_AN_API_URL),
        ("SLACK_API_URL", "https:///api/", NOT_AN_API_URL),
        ("DATABASE_URL", "mysql://bot@db/careerplan", NOT_A_DATABASE_URL),
        ("DATABASE_URL", "careerplan.db", NOT_A_DATABASE_URL),
        ("DATABASE_URL", "sqlite:careerplan.db", NOT_A_DATABASE_URL),
        (
            "CAREERPLAN_WORK_DAYS",
            "Mon-Fry",
            "CAREERPLAN_WORK_DAYS must look like Mon-Fri, Sun-Thu or Mon,Tue,Thu, not 'Mon-Fry' ('Fry' is not a day)",
        ),
        (
            "CAREERPLAN_WORK_DAYS",
            ",",
            "CAREERPLAN_WORK_DAYS must look like Mon-Fri, Sun-Thu or Mon,Tue,Thu; name at least one day",
        ),
        (
            "CAREERPLAN_HOLIDAYS",
            "XX",
            "CAREERPLAN_HOLIDAYS must be a country code such as US, GB or DE, with a region if you like "
            "(GB-ENG, DE-BY), or none, not 'XX'",
        ),
        (
            "CAREERPLAN_HOLIDAYS",
            "GB-England-North",
            "CAREERPLAN_HOLIDAYS must be GB alone or one of its regions (GB-ENG, GB-NIR, GB-SCT, GB-WLS), "
            "not 'GB-England-North'",
        ),
        (
            "CAREERPLAN_AWAY_STATUSES",
            ":palm tree:",
            "CAREERPLAN_AWAY_STATUSES must be emoji codes such as :palm_tree: and words such as OOO, separated by "
            "commas, not ':palm tree:' (':palm tree:' is not an emoji code)",
        ),
        (
            "CAREERPLAN_AWAY_STATUSES",
            ",,",
            "CAREERPLAN_AWAY_STATUSES must be emoji codes such as :palm_tree: and words such as OOO, separated by "
            "commas (or none), not ',,'",
        ),
    ],
)
def test_a_malformed_value_gets_one_line_that_names_it(name: str, raw: str, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**HTTP, name: raw})
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("raw", "admins"),
    [
        ("U0ADMIN", {"U0ADMIN"}),
        ("U0ADMIN,W0GRID", {"U0ADMIN", "W0GRID"}),
        (" U0ADMIN ,  W0GRID\tU0THIRD,", {"U0ADMIN", "W0GRID", "U0THIRD"}),
        ("U0ADMIN U0ADMIN", {"U0ADMIN"}),
        (" , ", set()),
    ],
)
def test_admins_are_slack_user_ids_separated_by_commas_or_spaces(raw: str, admins: set[str]) -> None:
    assert Settings.from_env({**HTTP, "CAREERPLAN_ADMINS": raw}).admins == admins


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ("U0ADMIN,alice@example.com", "'alice@example.com'"),
        ("<@U0ADMIN>", "'<@U0ADMIN>'"),
        ("u0admin", "'u0admin'"),  # Slack's ids are upper case: a lower-case one is a typo
        ("T0TEAM", "'T0TEAM'"),  # a workspace, not a person
        ("U" + "X" * 60, "'U" + "X" * 39 + "…'"),
    ],
)
def test_an_admin_entry_that_is_not_a_user_id_is_named(raw: str, named: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**HTTP, "CAREERPLAN_ADMINS": raw})
    assert str(caught.value) == (
        "CAREERPLAN_ADMINS must list Slack user ids such as U0123ABCD (Profile → ⋮ → Copy member ID), "
        f"separated by commas or spaces; {named} is not one"
    )


def test_the_new_settings_have_defaults_so_a_settings_built_by_hand_needs_none_of_them() -> None:
    built = Settings(
        bot_token="xoxb-1",
        signing_secret="s",
        app_token=None,
        database_url="sqlite://",
        slack_api_url="https://slack.com/api/",
        host="127.0.0.1",
        port=0,
        cadence_months=3,
        lead_days=3,
        work_start=time(9),
        work_end=time(17),
        log_level="INFO",
    )
    assert (built.work_days, built.holidays, built.away_markers) == (MONDAY_TO_FRIDAY, None, DEFAULT_AWAY_MARKERS)


WORKSPACE = {
    **HTTP,
    "CAREERPLAN_WORK_DAYS": "Sun-Thu",
    "CAREERPLAN_WORKING_HOURS": "08:00-16:00",
    "CAREERPLAN_HOLIDAYS": "de-by",
}


@pytest.mark.parametrize(
    ("choices", "expected"),
    [
        pytest.param(
            {}, WorkingTime("Europe/Berlin", frozenset({6, 0, 1, 2, 3}), time(8), time(16), "DE-BY"), id="defaults"
        ),
        pytest.param(
            {"days": "Mon-Fri", "hours": "10:00-18:00", "holidays": "none"},
            WorkingTime("Europe/Berlin", MONDAY_TO_FRIDAY, time(10), time(18), None),
            id="own-choices",
        ),
        pytest.param(
            {"days": "never", "hours": "25:00-26:00", "holidays": "GB-XYZ"},
            WorkingTime("Europe/Berlin", frozenset({6, 0, 1, 2, 3}), time(8), time(16), "DE-BY"),
            id="stale-choices-fall-back",
        ),
    ],
)
def test_a_persons_working_time_is_their_choices_over_the_workspace_defaults(
    choices: dict[str, str], expected: WorkingTime
) -> None:
    assert Settings.from_env(WORKSPACE).working_time("Europe/Berlin", **choices) == expected


def test_database_url_alone_checks_only_database_url() -> None:
    # `careerplan db upgrade` needs no Slack settings, and a bad PORT must not stop it.
    assert database_url({"DATABASE_URL": "sqlite:///cp.db", "PORT": "eighty"}) == "sqlite:///cp.db"
    with pytest.raises(SettingsError) as caught:
        database_url({"DATABASE_URL": "mysql://bot@db/careerplan"})
    assert str(caught.value) == NOT_A_DATABASE_URL


def test_without_a_mapping_the_process_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-the-shell")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("PORT", "4000")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///from-the-shell.db")
    settings = Settings.from_env()
    assert (settings.bot_token, settings.port, settings.database_url) == (
        "xoxb-from-the-shell",
        4000,
        "sqlite:///from-the-shell.db",
    )
    assert database_url() == "sqlite:///from-the-shell.db"
