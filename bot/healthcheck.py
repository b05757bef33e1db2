"""`python -m bot.healthcheck [URL]`: exit 0 if the bot's /healthz answers 200, else 1 (one line on stderr).

The container's HEALTHCHECK and a systemd watchdog run it: the slim image has no curl, and it needs nothing but
the standard library. The URL defaults to http://127.0.0.1:$HEALTH_PORT/healthz in Socket Mode (HEALTH_PORT set),
else http://127.0.0.1:$PORT/healthz (PORT, as `careerplan run` reads it, default 3000).
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence

TIMEOUT_SECONDS = 3.0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    # Socket Mode serves /healthz on HEALTH_PORT; HTTP mode on PORT, beside /slack/events.
    port = os.environ.get("HEALTH_PORT", "").strip() or os.environ.get("PORT", "").strip() or "3000"
    url = args[0] if args else f"http://127.0.0.1:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (an http URL we build)
            if response.status == 200:
                return 0
            print(f"careerplan health: {url} answered {response.status}", file=sys.stderr)
    except urllib.error.HTTPError as exc:
        print(f"careerplan health: {url} answered {exc.code}", file=sys.stderr)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        print(f"careerplan health: {url} did not answer: {getattr(exc, 'reason', exc)}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
