"""The one WebClient every Slack Web API call goes through."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.settings import Settings

TIMEOUT_SECONDS = 10


def build_web_client(settings: Settings) -> WebClient:
    """Retries dropped connections, 429s (honouring Retry-After) and 500/503s. Bolt copies the
    base URL and these handlers into the client each listener receives."""
    return WebClient(
        token=settings.bot_token,
        base_url=settings.slack_api_url,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )
