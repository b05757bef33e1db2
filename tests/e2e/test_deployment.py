"""The deployment kit: the container's entrypoint and health check, run as the image would run them but without
Docker; the compose file's services; the systemd unit. `docker build` itself runs only where a Docker daemon
answers."""

from __future__ import annotations

import configparser
import json
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.cli import careerplan, clean_env
from tests.fakeslack import FakeSlack

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


def dockerfile() -> dict[str, list[str]]:
    """The Dockerfile's exec-form instructions (ENTRYPOINT, CMD, the HEALTHCHECK's CMD), as argument lists."""
    text = (ROOT / "Dockerfile").read_text()
    found: dict[str, list[str]] = {}
    for name, pattern in (
        ("ENTRYPOINT", r"^ENTRYPOINT (\[.*\])$"),
        ("CMD", r"^CMD (\[.*\])$"),
        ("HEALTHCHECK", r"^HEALTHCHECK .*CMD (\[.*\])$"),
        ("USER", r"^USER (\S+)$"),
    ):
        match = re.search(pattern, text, re.M)
        assert match is not None, f"the Dockerfile has no {name}"
        found[name] = json.loads(match.group(1)) if match.group(1).startswith("[") else [match.group(1)]
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_images_entrypoint_serves_and_its_health_check_says_so(tmp_path: Path) -> None:
    image = dockerfile()
    assert image["USER"] != ["root"]
    assert image["ENTRYPOINT"] + image["CMD"] == ["careerplan", "run"]
    port = free_port()
    health = (
        [sys.executable, *image["HEALTHCHECK"][1:]] if image["HEALTHCHECK"][0] == "python" else image["HEALTHCHECK"]
    )
    with FakeSlack() as slack:
        env = clean_env(
            SLACK_BOT_TOKEN="xoxb-image",
            SLACK_SIGNING_SECRET="image-secret",
            SLACK_API_URL=slack.url,
            DATABASE_URL=f"sqlite:///{tmp_path / 'careerplan.db'}",  # the image's /data, here
            HOST="127.0.0.1",
            PORT=str(port),
        )
        bot = subprocess.Popen(
            careerplan(*image["ENTRYPOINT"][1:], *image["CMD"]),
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert bot.stdout is not None and "listening on" in bot.stdout.readline()
            checked = subprocess.run(health, env=env, cwd=ROOT, capture_output=True, text=True, timeout=30)
            assert checked.returncode == 0, checked.stderr
        finally:
            bot.terminate()
            bot.wait(timeout=10)
    down = subprocess.run(health, env=env, cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert down.returncode == 1
    assert f"http://127.0.0.1:{port}/healthz did not answer" in down.stderr


def test_compose_migrates_before_the_bot_starts_and_keeps_secrets_out_of_the_file() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "migrate", "bot"}
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["bot"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["bot"]["env_file"] == "careerplan.env"
    text = (ROOT / "compose.yaml").read_text()
    assert "xoxb-" not in text and "xapp-" not in text  # tokens come from careerplan.env, never this file
    for service in ("migrate", "bot"):
        assert services[service]["environment"]["DATABASE_URL"].startswith("postgresql://")


def test_the_systemd_unit_runs_the_bot_unprivileged_with_private_files() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    unit.read(ROOT / "deploy" / "careerplan.service")
    service = unit["Service"]
    assert service["ExecStart"].endswith("/careerplan run")
    assert service["User"] not in ("root", "0")
    assert service["UMask"] == "0077"  # the database file and its WAL readable by the bot's user only
    assert service["KillSignal"] == "SIGTERM"
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def docker_answers() -> bool:
    docker = shutil.which("docker")
    return docker is not None and subprocess.run([docker, "info"], capture_output=True, timeout=20).returncode == 0


@pytest.mark.skipif(not docker_answers(), reason="no Docker daemon answers on this machine")
def test_the_image_builds() -> None:  # pragma: no cover - where Docker runs
    docker = shutil.which("docker")
    assert docker is not None
    built = subprocess.run(
        [docker, "build", "-q", "-t", "careerplan-test", str(ROOT)], capture_output=True, text=True, timeout=900
    )
    assert built.returncode == 0, built.stderr
