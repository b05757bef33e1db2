"""Signed commands under a slowloris, and the bot's memory under 100 MiB bodies (HTTP mode, SQLite).

    python bench/slowloris.py [--connections 200] [--commands 20]

Starts `careerplan run` as a subprocess against the fake Slack on 127.0.0.1 with an empty database, then
prints how long signed `/careerplan help` commands take: alone; while `--connections` sockets sit idle; while
as many send a request's headers a byte at a time from threads (never finishing); and the bot's resident set
(VmRSS, from /proc) before and after four streamed 100 MiB bodies, each refused with 413. Figures only; no
pass/fail: a command that fails or times out is printed as such.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.seed import SECRET, bench_database, bot_env
from tests.fakeslack import FakeSlack
from tests.slackhttp import SlackSender, open_connections


def rss_kb(pid: int, field: str = "VmRSS") -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def commands(send: SlackSender, count: int) -> str:
    took: list[float] = []
    failed = 0
    for _ in range(count):
        started = time.perf_counter()
        try:
            ok = send.slash_command("help").status == 200
        except OSError:
            ok = False
        if ok:
            took.append(time.perf_counter() - started)
        else:
            failed += 1
    if not took:
        return f"all {count} failed or timed out"
    return (
        f"{len(took)}/{count} answered, median {statistics.median(took) * 1000:.1f} ms, "
        f"max {max(took) * 1000:.1f} ms" + (f", {failed} failed or timed out" if failed else "")
    )


def big_body(address: tuple[str, int], size: int) -> str:
    """Stream a `size`-byte body a MiB at a time; the status line and seconds taken."""
    started = time.perf_counter()
    try:
        with socket.create_connection(address, timeout=10) as sock:
            sock.sendall(f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {size}\r\n\r\n".encode())
            chunk = bytes(1024 * 1024)
            try:
                for _ in range(size // len(chunk)):
                    sock.sendall(chunk)
            except OSError:
                pass
            status = sock.recv(4096).split(b"\r\n", 1)[0].decode("latin-1")
    except OSError as exc:
        status = f"error: {exc}"
    return f"{status!r} in {time.perf_counter() - started:.2f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--commands", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, bench_database("sqlite", tmp, None) as (db, url), FakeSlack() as slack:
        db.dispose()
        env = bot_env(
            slack.url,
            url,
            LOG_LEVEL="WARNING",
            CAREERPLAN_SWEEP_MINUTES="60",
        )
        argv = [str(Path(sys.executable).with_name("careerplan")), "run"]
        with (Path(tmp) / "careerplan.log").open("w") as log:
            process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=log, text=True)
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            if " is listening on " not in line:
                print(f"careerplan did not start: {line!r}")
                return 0
            url_ = line.split(" is listening on ", 1)[1].strip()
            parts = urllib.parse.urlsplit(url_)
            address = (parts.hostname or "127.0.0.1", parts.port or 80)
            send = SlackSender(url_, SECRET)
            commands(send, 3)  # warm up
            print(f"signed /careerplan help, alone: {commands(send, args.commands)}")
            with open_connections(address, args.connections, trickle=False) as opened:
                print(f"... with {len(opened)} idle connections: {commands(send, args.commands)}")
            with open_connections(address, args.connections, trickle=True) as opened:
                print(f"... with {len(opened)} connections trickling headers: {commands(send, args.commands)}")
            print(f"bot VmRSS before the bodies: {rss_kb(process.pid)} kB")
            for n in range(4):
                print(f"100 MiB body #{n + 1}: {big_body(address, 100 * 1024 * 1024)}")
            print(
                f"bot VmRSS after the bodies: {rss_kb(process.pid)} kB (peak VmHWM {rss_kb(process.pid, 'VmHWM')} kB)"
            )
            print(f"signed /careerplan help, after: {commands(send, args.commands)}")
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
