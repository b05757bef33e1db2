"""The Slack face: the Bolt app, its server and client, ids, listeners and Block Kit builders."""
