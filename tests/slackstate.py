"""Turn a built view into the `state.values` Slack would send back for it, as a person left it."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.views import View


def state_from_initial(view: dict[str, Any], overrides: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """state.values for `view` with every input as it was shown (initial values), then `overrides`
    ({block_id: element state}) applied, in Slack's shapes for each element type."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        kind = element["type"]
        state: dict[str, Any] = {"type": kind}
        if kind == "plain_text_input":
            state["value"] = element.get("initial_value")
        elif kind == "datepicker":
            state["selected_date"] = element.get("initial_date")
        elif kind in ("radio_buttons", "static_select"):
            state["selected_option"] = element.get("initial_option")
        elif kind == "checkboxes":
            state["selected_options"] = element.get("initial_options", [])
        values[block["block_id"]] = {element["action_id"]: state}
    for block_id, element_state in (overrides or {}).items():
        action_id = next(iter(values[block_id]))
        values[block_id][action_id] = {**values[block_id][action_id], **element_state}
    return values


def assert_slack_accepts(view: dict[str, Any]) -> None:
    """slack_sdk's View model checks Slack's documented limits (title ≤ 24, 1–100 blocks, …)."""
    View(**view).validate_json()
    assert len(view["blocks"]) in range(1, 101)
    for block in view["blocks"]:
        if block["type"] == "section":
            # A section has text, fields (at most 10, each at most 2,000 characters), or both.
            assert "text" in block or block.get("fields")
            assert len(block.get("text", {}).get("text", "")) <= 3000
            assert len(block.get("fields", [])) <= 10
            assert all(len(field["text"]) <= 2000 for field in block.get("fields", []))
        if block["type"] == "context":
            assert all(len(e["text"]) <= 3000 for e in block["elements"])
        if block["type"] == "input" and block["element"]["type"] == "plain_text_input":
            element = block["element"]
            assert element["max_length"] in range(1, 3001)
            assert len(element.get("initial_value", "")) <= element["max_length"]
