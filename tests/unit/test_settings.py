"""Settings read from the environment: the pacing interval per channel, the Teams app id, the
logs and metrics, and the secrets the logs redact."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings


def test_the_interval_per_channel_is_slacks_second_unless_set():
    assert load_settings({}).slack_channel_interval_seconds == 1.0
    assert load_settings({"SLACK_CHANNEL_INTERVAL_SECONDS": "0.05"}).slack_channel_interval_seconds == 0.05
    assert load_settings({"SLACK_CHANNEL_INTERVAL_SECONDS": "0"}).slack_channel_interval_seconds == 0.0


@pytest.mark.parametrize("raw", ["-1", "61", "soon", "nan"])
def test_an_interval_per_channel_out_of_range_is_named(raw):
    with pytest.raises(ConfigError, match="SLACK_CHANNEL_INTERVAL_SECONDS is malformed"):
        load_settings({"SLACK_CHANNEL_INTERVAL_SECONDS": raw})


def test_the_teams_app_id_is_optional_and_a_guid():
    app_id = "0b4f5a3e-7c1d-4e2f-9a8b-6c5D4E3F2A1B"
    assert load_settings({}).teams_client_id is None
    assert load_settings({"TEAMS_CLIENT_ID": f" {app_id} "}).teams_client_id == app_id


@pytest.mark.parametrize(
    "raw", ["my-bot", "0b4f5a3e7c1d4e2f9a8b6c5d4e3f2a1b", "0b4f5a3e-7c1d-4e2f-9a8b-6c5d4e3f2a1b\nx"]
)
def test_a_teams_app_id_that_is_not_a_guid_is_named(raw):
    with pytest.raises(ConfigError, match="TEAMS_CLIENT_ID is malformed"):
        load_settings({"TEAMS_CLIENT_ID": raw})


TEAMS = {"TEAMS_CLIENT_ID": "00000000-0000-4000-8000-00000000b07a", "TEAMS_CLIENT_SECRET": "s", "TEAMS_TENANT_ID": "T1"}


def test_teams_serves_its_own_tenant_unless_others_are_allowed():
    own = load_settings(TEAMS)
    assert own.serves_teams_tenant("T1") and not own.serves_teams_tenant("T2")
    allowed = load_settings({**TEAMS, "TEAMS_ALLOWED_TENANTS": " T2, T3 ,"})
    assert [allowed.serves_teams_tenant(tenant) for tenant in ("T1", "T2", "T3")] == [False, True, True]


def test_a_star_serves_any_tenant_of_a_multi_tenant_registration():
    multi_tenant = {key: value for key, value in TEAMS.items() if key != "TEAMS_TENANT_ID"}
    anyone = load_settings({**multi_tenant, "TEAMS_ALLOWED_TENANTS": " * "})
    assert anyone.serves_teams_tenant("T1") and anyone.serves_teams_tenant("any-other-tenant")
    assert not anyone.serves_teams_tenant("")  # an activity naming no tenant is still refused
    with pytest.raises(ConfigError, match=r"TEAMS_ALLOWED_TENANTS=\* serves any tenant.*leave TEAMS_TENANT_ID unset"):
        load_settings({**TEAMS, "TEAMS_ALLOWED_TENANTS": "*"})
    with pytest.raises(ConfigError, match="TEAMS_ALLOWED_TENANTS is malformed"):
        load_settings({**multi_tenant, "TEAMS_ALLOWED_TENANTS": "*, T2"})


def test_data_is_kept_30_days_after_an_uninstall_unless_set():
    assert load_settings({}).uninstalled_retention_days == 30
    assert load_settings({"UNINSTALLED_RETENTION_DAYS": "7"}).uninstalled_retention_days == 7
    with pytest.raises(ConfigError, match="UNINSTALLED_RETENTION_DAYS is malformed"):
        load_settings({"UNINSTALLED_RETENTION_DAYS": "0"})


def test_teams_cloud_overrides_are_read_and_checked():
    overrides = '{"openid_metadata_url": "https://127.0.0.1:1/v1/.well-known/openidconfiguration"}'
    assert load_settings({**TEAMS, "TEAMS_CLOUD_OVERRIDES": overrides}).teams_cloud_overrides == {
        "openid_metadata_url": "https://127.0.0.1:1/v1/.well-known/openidconfiguration"
    }
    for raw in ("[]", "{", '{"unknown_field": "https://x"}', '{"login_endpoint": "http://plain.example"}'):
        with pytest.raises(ConfigError, match="TEAMS_CLOUD_OVERRIDES is malformed"):
            load_settings({**TEAMS, "TEAMS_CLOUD_OVERRIDES": raw})


@pytest.mark.parametrize(
    ("name", "raw"),
    [("TEAMS_CLOUD", "Azure"), ("TEAMS_SERVICE_URL", "smba.example"), ("TEAMS_TENANT_ID", "not a tenant!")],
)
def test_malformed_teams_settings_are_named(name, raw):
    with pytest.raises(ConfigError, match=f"{name} is malformed"):
        load_settings({**TEAMS, name: raw})


def test_logs_are_readable_at_info_and_metrics_off_unless_set():
    settings = load_settings({})
    assert (settings.log_level, settings.log_format, settings.metrics, settings.metrics_port) == (
        "INFO",
        "text",
        False,
        None,
    )
    chosen = load_settings({"LOG_LEVEL": "debug", "LOG_FORMAT": "JSON", "METRICS": "1", "METRICS_PORT": "9464"})
    assert (chosen.log_level, chosen.log_format, chosen.metrics, chosen.metrics_port) == ("DEBUG", "json", True, 9464)


@pytest.mark.parametrize(
    ("environment", "named"),
    [
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL is malformed"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT is malformed"),
        ({"METRICS": "yes please"}, "METRICS is malformed"),
        ({"METRICS_PORT": "70000"}, "METRICS_PORT is malformed"),
        ({"METRICS": "0", "METRICS_PORT": "9464"}, "METRICS=0 turns metrics off"),
    ],
)
def test_malformed_log_and_metrics_settings_are_named(environment, named):
    with pytest.raises(ConfigError, match=named):
        load_settings(environment)


def test_the_secrets_are_every_token_and_secret_set_and_the_databases_password():
    settings = load_settings(
        {
            **TEAMS,
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_SIGNING_SECRET": "signing",
            "DATABASE_URL": "postgresql://bot:pa55word@db/bot",
        }
    )
    assert sorted(settings.secrets) == ["pa55word", "s", "signing", "xoxb-1"]
    assert load_settings({}).secrets == ()


def test_slacks_oauth_asks_for_the_manifests_scopes_unless_others_are_set():
    assert load_settings({}).slack_scopes == ("commands", "chat:write", "users:read", "im:write", "files:write")
    scopes = load_settings({"SLACK_SCOPES": "commands, chat:write,links.embed:write"}).slack_scopes
    assert scopes == ("commands", "chat:write", "links.embed:write")
    for raw in ("commands,,chat:write", "Chat:Write", "commands chat:write"):
        with pytest.raises(ConfigError, match="SLACK_SCOPES is malformed"):
            load_settings({"SLACK_SCOPES": raw})
