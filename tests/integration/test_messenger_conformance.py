"""Every Messenger keeps the core's contract (bot/ports.py): the Slack one against a fake
Slack Web API on loopback (with one workspace's bot token, and installed to workspaces through
OAuth), the Teams one against a fake Bot Connector and Entra ID over TLS,
the shell's on a screen in memory, and the recording fake the core's tests use. A new
front-end's messenger joins the lists below."""

from __future__ import annotations

import asyncio
import inspect
import io
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.messages import Message
from bot.model import Platform
from bot.ports import MessageRef, Messenger, Recipient, UnknownUser
from bot.scheduling.simulation import SimulatedClock
from handlers.pacing import Pacer
from handlers.shell.messenger import ShellMessenger
from handlers.shell.screen import Screen
from handlers.slack.messenger import SlackMessenger, web_client
from tests.fakes.messenger import RecordingMessenger
from tests.teams import teams_messenger

KNOWN, UNKNOWN = "UALICE", "UNOBODY"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


def slack(request):
    from bot.config import load_settings

    fake_slack = request.getfixturevalue("fake_slack")
    fake_slack.add_user(KNOWN, "Europe/Berlin")
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": fake_slack.api_url})
    return SlackMessenger(web_client(settings), lambda: Pacer(1000)), "T0FAKE"


def slack_installed(request):
    """The Slack one installed to its workspace through OAuth: its token read from the database."""
    from slack_sdk.oauth.installation_store import Installation

    from bot.config import load_settings
    from bot.storage import make_engine, upgrade
    from handlers.slack.workspace import installed_workspaces

    fake_slack = request.getfixturevalue("fake_slack")
    fake_slack.add_user(KNOWN, "Europe/Berlin")
    fake_slack.teams_of_tokens["xoxb-installed"] = "TINSTALLED"
    engine = make_engine(f"sqlite:///{request.getfixturevalue('tmp_path')}/installations.sqlite3")
    request.addfinalizer(engine.dispose)
    upgrade(engine)
    oauth = {"SLACK_CLIENT_ID": "1111.2222", "SLACK_CLIENT_SECRET": "s", "SLACK_API_URL": fake_slack.api_url}
    workspaces = installed_workspaces(load_settings(oauth), engine)
    installed = Installation(
        app_id="AFAKE", team_id="TINSTALLED", bot_token="xoxb-installed", bot_id="B", bot_user_id="U", user_id="U1"
    )
    asyncio.run(workspaces.installations.async_save(installed))
    return SlackMessenger(workspaces, lambda: Pacer(1000)), "TINSTALLED"


def teams(request):
    return teams_messenger(request.getfixturevalue("microsoft")), "00000000-0000-4000-8000-0000000000c0"


def shell(_request):
    clock = SimulatedClock(NOW)
    return ShellMessenger(Screen(io.StringIO(), colour=False), {KNOWN: "Europe/Berlin"}, clock), "shell"


def recording(_request):
    return RecordingMessenger(SimulatedClock(NOW), {KNOWN: "Europe/Berlin"}), "T1"


TELLING_ZONES = [slack, slack_installed, shell, recording]
NOT_TELLING_ZONES = [teams]  # the zone comes with each activity a user sends instead


@pytest.fixture(params=TELLING_ZONES + NOT_TELLING_ZONES)
def messenger(request, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the shell writes files it "sends" to the working directory
    return request.param(request)


@pytest.fixture(params=TELLING_ZONES)
def zone_teller(request):
    return request.param(request)


@pytest.fixture(params=NOT_TELLING_ZONES)
def zone_blind(request):
    return request.param(request)


def test_it_has_every_call_of_the_protocol_with_the_same_parameters(messenger):
    made, _tenant = messenger
    assert isinstance(made.platform, Platform)
    calls = [name for name, _ in inspect.getmembers(Messenger, inspect.isfunction) if not name.startswith("_")]
    assert "send_direct" in calls and "credentials_work" in calls  # the check sees the protocol's calls
    for name in calls:
        expected = list(inspect.signature(getattr(Messenger, name)).parameters)
        assert list(inspect.signature(getattr(type(made), name)).parameters) == expected, name


def test_what_it_sends_comes_back_as_a_reference_in_the_same_platform_and_tenant(messenger):
    made, tenant = messenger
    person = Recipient(made.platform, tenant, KNOWN)
    channel = Recipient(made.platform, tenant, "CGROUP")
    message = Message.text("Hello")

    async def exercise():
        direct = await made.send_direct(person, message)
        posted = await made.post_to_channel(channel, message)
        await made.update(posted, Message.text("Hello again"))
        await made.send_files(person, message, [("export.json", b"{}")])
        return direct, posted

    direct, posted = asyncio.run(exercise())
    for ref in (direct, posted):
        assert isinstance(ref, MessageRef)
        assert (ref.platform, ref.tenant_id) == (made.platform, tenant)
        assert ref.channel_id and ref.message_id
    assert direct != posted


def test_it_knows_a_users_zone_and_says_when_there_is_no_such_user(zone_teller):
    made, tenant = zone_teller

    async def exercise():
        zone = await made.user_timezone(Recipient(made.platform, tenant, KNOWN))
        with pytest.raises(UnknownUser):
            await made.user_timezone(Recipient(made.platform, tenant, UNKNOWN))
        return zone

    assert ZoneInfo(asyncio.run(exercise())).key == "Europe/Berlin"


def test_where_the_platform_cannot_tell_a_zone_it_says_none(zone_blind):
    made, tenant = zone_blind

    assert asyncio.run(made.user_timezone(Recipient(made.platform, tenant, KNOWN))) is None


def test_it_answers_whether_credentials_work_and_whether_someone_is_an_admin(messenger):
    made, tenant = messenger

    async def exercise():
        return await made.credentials_work(tenant), await made.is_admin(Recipient(made.platform, tenant, KNOWN))

    works, admin = asyncio.run(exercise())
    assert works is True
    assert admin is False
