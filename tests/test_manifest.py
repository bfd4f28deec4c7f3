"""manifest.yml is valid for Slack, and declares everything the code listens for."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT.parent / "shared" / "slack-manifest-schema" / "manifest.schema.1.0.0.json"
MANIFEST = yaml.safe_load((ROOT / "manifest.yml").read_text())


def registered(kind: str) -> set[str]:
    """The names passed to `app.<kind>(...)` anywhere in handlers/slack, its modules' constants resolved."""
    names = set()
    trees = {path: ast.parse(path.read_text()) for path in (ROOT / "handlers" / "slack").glob("*.py")}
    constants = {
        target.id: node.value.value
        for tree in trees.values()
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == kind
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "app"
                and node.args
            ):
                argument = node.args[0]
                if isinstance(argument, ast.Constant):
                    names.add(argument.value)
                elif isinstance(argument, ast.Name) and argument.id in constants:
                    names.add(constants[argument.id])
                else:
                    raise AssertionError(f"{path.name}: cannot tell what app.{kind}(…) registers")
    return names


def test_manifest_matches_slacks_schema():
    if not SCHEMA.exists():
        pytest.skip(f"Slack's manifest schema is not at {SCHEMA}")
    import jsonschema

    jsonschema.Draft7Validator(json.loads(SCHEMA.read_text())).validate(MANIFEST)


def test_every_registered_command_is_declared_and_escapes_mentions():
    declared = {command["command"]: command for command in MANIFEST["features"]["slash_commands"]}
    assert registered("command") == {"/practice"}
    assert registered("command") <= declared.keys()
    assert all(command["should_escape"] is True for command in declared.values())


def test_every_registered_event_is_declared():
    assert registered("event")
    assert registered("event") <= set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])


def test_interactivity_and_all_requests_go_to_the_one_events_path():
    settings = MANIFEST["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    urls = [
        settings["interactivity"]["request_url"],
        settings["event_subscriptions"]["request_url"],
        *(command["url"] for command in MANIFEST["features"]["slash_commands"]),
    ]
    assert all(url.endswith("/slack/events") for url in urls)


def test_scopes_cover_the_web_api_methods_used():
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert {"commands", "chat:write", "users:read"} <= scopes


def test_the_oauth_redirect_url_is_the_flows_and_the_scopes_asked_for_are_the_manifests():
    from bot.config import DEFAULT_SLACK_SCOPES
    from handlers.slack.installs import REDIRECT_PATH

    assert [url.endswith(REDIRECT_PATH) for url in MANIFEST["oauth_config"]["redirect_urls"]] == [True]
    assert list(DEFAULT_SLACK_SCOPES) == MANIFEST["oauth_config"]["scopes"]["bot"]


def test_removal_from_a_workspace_and_revoked_tokens_are_listened_for():
    assert {"app_uninstalled", "tokens_revoked"} <= registered("event")
