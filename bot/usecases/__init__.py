"""Use cases: one unit of work each, in domain terms; no Slack."""
