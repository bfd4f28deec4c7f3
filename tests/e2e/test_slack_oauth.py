"""Installed to any workspace through Slack's OAuth, as `serve` and `tick` run: the "Add to
Slack" page, Slack's redirect back (a wrong, forged or expired state refused), the code exchanged
with the fake Slack's oauth.v2.access for a second workspace's token; then each workspace's
commands, direct messages and digest made with its own token (the fake records each call's
Authorization header), a revoked token holding only its workspace, its removal deleting its
installation, and a rotating token refreshed by a scheduling pass, before it expires and when
Slack says it has."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from email.message import Message
from html import unescape
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from sqlalchemy import select, text, update
from sqlmodel import Session

from bot.model import SendingHold
from handlers.slack.app import NOT_INSTALLED
from handlers.slack.tables import SLACK_BOTS, SLACK_OAUTH_STATES
from testkit.database import engine_for
from testkit.slack_api import ROTATING_TOKEN_EXPIRES_IN
from testkit.slack_driver import SlackDriver, buttons
from tests.conftest import BEST_SHARED, RunningBot, on_one_database
from tests.steps import retries_undisturbed, weekday_at

pytestmark = on_one_database(BEST_SHARED)

CLIENT_ID = "1111.2222"
STATE_COOKIE = "slack-app-oauth-state"


@pytest.fixture
def bot(database_url, fake_slack, tmp_path):
    """`serve` installed to workspaces through OAuth: a client id and secret, no bot token."""
    running = RunningBot(database_url, fake_slack, tmp_path)
    del running.environment["SLACK_BOT_TOKEN"]
    running.environment.update(SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET="test-client-secret")
    running.start()
    yield running
    running.stop()
    assert "Traceback" not in running.output(), running.output()


def get(url: str, cookie: str | None = None) -> tuple[int, Message, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def install_page(bot) -> tuple[str, str]:
    """The "Add to Slack" page's link, and the state cookie it set."""
    status, headers, page = get(f"{bot.url}/slack/install")
    assert status == 200 and "Add to Slack" in page
    link = unescape(re.search(r'<a href="([^"]+)"', page)[1])
    return link, headers["Set-Cookie"].split(";", 1)[0]


def redirect(bot, state: str, cookie: str | None, code: str = "a-code") -> int:
    return get(f"{bot.url}/slack/oauth_redirect?{urlencode({'code': code, 'state': state})}", cookie)[0]


def install(bot, fake, team_id: str, expires_in: int | None = None) -> str:
    """The workspace's installer adds the app, and Slack redirects them back; its bot token."""
    link, cookie = install_page(bot)
    fake.grant(f"code-{team_id}", team_id, expires_in)
    state = parse_qs(urlparse(link).query)["state"][0]
    assert redirect(bot, state, cookie, code=f"code-{team_id}") == 200
    return fake.tokens_of(team_id)[-1]


def follow_ups_delivered(fake, user: str) -> list[dict]:
    """The follow-up DMs to `user` the fake accepted, with the token of each."""
    return [
        call.args
        for call in fake.calls_to("chat.postMessage", channel=user)
        if call.answer and call.answer["ok"] and "follow_up:applied" in buttons(call.args["blocks"])
    ]


def tokens_of_calls(fake, method: str, **matching) -> set[str]:
    return {call.args["token"] for call in fake.calls_to(method, **matching)}


def a_group_in(slack: SlackDriver, fake, suffix: str) -> tuple[str, str, str]:
    """A coach and a therapist in the workspace's channel; their ids and the channel's."""
    coach, therapist, channel = f"UCOACH{suffix}", f"UALICE{suffix}", f"CGROUP{suffix}"
    fake.add_user(coach, "Europe/Berlin")
    fake.add_user(therapist, "America/New_York")
    assert "now a supervision group" in slack.say(coach, channel, f"setup {retries_undisturbed()}")
    assert "Welcome" in slack.say(therapist, channel, "join")
    return coach, therapist, channel


def test_the_install_page_links_to_slacks_authorize_page_with_the_apps_scopes_and_a_new_state(bot, fake_slack):
    link, cookie = install_page(bot)

    address = urlparse(link)
    query = parse_qs(address.query)
    assert f"{address.scheme}://{address.netloc}{address.path}" == f"{fake_slack.url}/oauth/v2/authorize"
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"] == ["commands,chat:write,users:read,im:write,files:write"]
    assert cookie == f"{STATE_COOKIE}={query['state'][0]}"
    assert install_page(bot)[1] != cookie  # each page a state of its own


def test_a_redirect_with_a_wrong_forged_used_or_expired_state_is_refused_and_installs_nothing(
    bot, fake_slack, database_url
):
    link, cookie = install_page(bot)
    state = parse_qs(urlparse(link).query)["state"][0]
    fake_slack.grant("a-code", "TBETA")

    assert redirect(bot, "another-state", cookie) == 400  # not the state this browser was given
    assert redirect(bot, state, None) == 400  # no cookie: another browser
    assert redirect(bot, "forged", f"{STATE_COOKIE}=forged") == 401  # never issued
    assert redirect(bot, state, f"{STATE_COOKIE}=\xff") == 400  # a header not in UTF-8, which Bolt cannot read
    assert get(f"{bot.url}/slack/install", cookie="\xfe=\xff")[0] == 400
    engine = engine_for(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(update(SLACK_OAUTH_STATES).values(expire_at=datetime(2000, 1, 1)))
        assert redirect(bot, state, cookie) == 401  # expired
        assert fake_slack.calls_to("oauth.v2.access") == []

        link, cookie = install_page(bot)
        state = parse_qs(urlparse(link).query)["state"][0]
        assert redirect(bot, state, cookie, code="never-granted") == 401  # Slack refuses the code
        assert [call.answer["error"] for call in fake_slack.calls_to("oauth.v2.access")] == ["invalid_code"]

        # The same steps with a state as issued install the workspace, once.
        link, cookie = install_page(bot)
        state = parse_qs(urlparse(link).query)["state"][0]
        assert redirect(bot, state, cookie) == 200
        assert redirect(bot, state, cookie) == 401  # used
        with engine.connect() as connection:
            teams = connection.execute(select(SLACK_BOTS.c.team_id)).scalars().all()
    finally:
        engine.dispose()
    assert [call.answer["ok"] for call in fake_slack.calls_to("oauth.v2.access")] == [False, True]
    assert teams == ["TBETA"]


def test_each_workspace_is_served_with_its_own_token_and_a_revoked_one_holds_only_its_own(
    bot, fake_slack, database_url
):
    tokens = {team: install(bot, fake_slack, team) for team in ("TALPHA", "TBETA")}
    assert len(set(tokens.values())) == 2
    groups = {team: a_group_in(SlackDriver(bot.url, fake_slack, team), fake_slack, team) for team in tokens}
    slacks = {team: SlackDriver(bot.url, fake_slack, team) for team in tokens}

    for team, (coach, therapist, channel) in groups.items():
        assert tokens_of_calls(fake_slack, "users.info", user=coach) == {tokens[team]}  # the command's
        slacks[team].say(coach, channel, f"advice <@{therapist}|alice> Name the rupture client C12 in 14d")
        slacks[team].say(coach, channel, "digest post")
        assert {call.args["token"] for call in fake_slack.wait_for("chat.postMessage", channel=channel)} == {
            tokens[team]
        }
        published = len(fake_slack.calls_to("views.publish", user_id=coach))  # after changes, by the core
        assert slacks[team].open_home(coach).status == 200
        homes = fake_slack.wait_for("views.publish", published + 1, user_id=coach)
        assert {home.args["token"] for home in homes} == {tokens[team]}
    ticked = bot.tick(weekday_at(17, 15))
    assert ticked.returncode == 0, ticked.stderr
    for team, (_, therapist, _) in groups.items():
        [follow_up] = follow_ups_delivered(fake_slack, therapist)
        assert follow_up["token"] == tokens[team]

    # TALPHA's token is revoked: its next follow-up is held, TBETA's goes.
    fake_slack.refuse_token(tokens["TALPHA"])
    for team, (coach, therapist, channel) in groups.items():
        slacks[team].say(coach, channel, f"advice <@{therapist}|alice> Stay with the silence client C4 in 14d")
    assert bot.tick(weekday_at(17, 15)).returncode == 0
    assert len(follow_ups_delivered(fake_slack, groups["TBETA"][1])) == 2
    assert len(follow_ups_delivered(fake_slack, groups["TALPHA"][1])) == 1
    engine = engine_for(database_url)
    try:
        with Session(engine) as session:
            held = session.execute(select(SendingHold.tenant_id)).scalars().all()
    finally:
        engine.dispose()
    assert held == ["TALPHA"]
    assert "installed to Slack workspace TALPHA" in bot.output()  # the log is there to be read
    secrets = ["test-client-secret", *tokens.values()]
    assert [secret for secret in secrets if secret in bot.output() + ticked.stderr + ticked.stdout] == []


def test_a_workspace_the_app_is_not_installed_to_is_told_so_and_nothing_is_stored(bot, fake_slack, database_url):
    install(bot, fake_slack, "TALPHA")
    fake_slack.add_user("USTRANGER", "Europe/Berlin")
    slack = SlackDriver(bot.url, fake_slack, "TNEVER")

    http, name = slack.command("USTRANGER", "CSTRANGE", "setup")

    assert http.status == 200
    assert slack.replies(name)[0]["text"] == NOT_INSTALLED
    assert fake_slack.calls_to("users.info", user="USTRANGER") == []
    engine = engine_for(database_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM practice_group")).scalar_one() == 0
    finally:
        engine.dispose()


def workspace_event(bot, fake, team_id: str, event: dict) -> int:
    """Slack's event in the workspace, as Slack sends it when the app is removed or a token revoked."""
    body = {
        "token": "unused",
        "team_id": team_id,
        "api_app_id": "AFAKE",
        "type": "event_callback",
        "event_id": f"Ev{event['type']}{team_id}",
        "event_time": int(time.time()),
        "event": {**event, "event_ts": str(time.time())},
    }
    return SlackDriver(bot.url, fake, team_id).post(json.dumps(body), "application/json").status


def test_the_apps_removal_or_its_revoked_bot_token_deletes_that_workspaces_installation_only(
    bot, fake_slack, database_url
):
    for team in ("TALPHA", "TBETA", "TGAMMA"):
        install(bot, fake_slack, team)

    assert workspace_event(bot, fake_slack, "TALPHA", {"type": "app_uninstalled"}) == 200
    users_only = {"type": "tokens_revoked", "tokens": {"oauth": ["UINSTALLER"]}}
    assert workspace_event(bot, fake_slack, "TGAMMA", users_only) == 200  # a user's token: the bot stays
    bots = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT"]}}
    assert workspace_event(bot, fake_slack, "TBETA", bots) == 200

    # Each listener logs once its deletions are done (slack_sdk makes them in transactions of their own).
    for done in ("workspace TALPHA: its installation", "user token(s) in workspace TGAMMA", "workspace TBETA: it is"):
        assert bot.logged(done), done
    engine = engine_for(database_url)
    try:
        # Only the bot's token was revoked in TBETA, and only its installer's in TGAMMA.
        left = {table: _teams_in(engine, table) for table in ("slack_bots", "slack_installations")}
    finally:
        engine.dispose()
    assert left == {"slack_bots": ["TGAMMA"], "slack_installations": ["TBETA"]}

    fake_slack.add_user("UCOACHA", "Europe/Berlin")
    http, name = SlackDriver(bot.url, fake_slack, "TALPHA").command("UCOACHA", "CGROUPA", "setup")
    assert http.status == 200 and SlackDriver(bot.url, fake_slack, "TALPHA").replies(name)[0]["text"] == NOT_INSTALLED


def _teams_in(engine, table: str) -> list[str]:
    with engine.connect() as connection:
        return sorted(connection.execute(text(f"SELECT team_id FROM {table}")).scalars().all())


def test_a_rotating_token_is_refreshed_by_the_scheduling_pass_it_comes_due_in_and_when_slack_says_it_expired(
    bot, fake_slack, database_url
):
    first = install(bot, fake_slack, "TGAMMA", expires_in=ROTATING_TOKEN_EXPIRES_IN)
    slack = SlackDriver(bot.url, fake_slack, "TGAMMA")
    coach, therapist, channel = a_group_in(slack, fake_slack, "G")
    slack.say(coach, channel, f"advice <@{therapist}|alice> Name the rupture client C12 in 14d")
    assert fake_slack.calls_to("oauth.v2.access", grant_type="refresh_token") == []

    # Ten and a half hours on, the token expires within the two hours before which it is refreshed.
    engine = engine_for(database_url)
    try:
        soon = (datetime.now(timezone.utc) + timedelta(minutes=90)).replace(tzinfo=None)
        with engine.begin() as connection:
            connection.execute(update(SLACK_BOTS).values(bot_token_expires_at=soon))
        assert bot.tick(weekday_at(17, 15)).returncode == 0
        refreshed = fake_slack.tokens_of("TGAMMA")[-1]
        [follow_up] = follow_ups_delivered(fake_slack, therapist)
        assert refreshed != first and follow_up["token"] == refreshed
        assert len(fake_slack.calls_to("oauth.v2.access", grant_type="refresh_token")) == 1
        with engine.connect() as connection:
            stored, expires_at = connection.execute(
                select(SLACK_BOTS.c.bot_token, SLACK_BOTS.c.bot_token_expires_at)
            ).one()
        assert stored == refreshed and expires_at > soon

        # Slack says the refreshed token has expired (its clock ahead of ours): refreshed again and sent.
        fake_slack.refuse_token(refreshed, "token_expired")
        slack.say(coach, channel, f"advice <@{therapist}|alice> Stay with the silence client C4 in 14d")
        assert bot.tick(weekday_at(17, 15)).returncode == 0
    finally:
        engine.dispose()
    latest = fake_slack.tokens_of("TGAMMA")[-1]
    sent = follow_ups_delivered(fake_slack, therapist)
    assert len(sent) == 2 and sent[-1]["token"] == latest != refreshed
    assert len(fake_slack.calls_to("oauth.v2.access", grant_type="refresh_token")) == 2


def test_an_uninstalled_workspace_is_held_and_purged_after_the_grace_period_and_a_reinstalled_one_resumes(
    bot, fake_slack, database_url
):
    for team in ("TALPHA", "TBETA"):
        install(bot, fake_slack, team)
    slacks = {team: SlackDriver(bot.url, fake_slack, team) for team in ("TALPHA", "TBETA")}
    groups = {team: a_group_in(slack, fake_slack, team) for team, slack in slacks.items()}
    for team, (coach, therapist, channel) in groups.items():
        slacks[team].say(coach, channel, f"advice <@{therapist}|alice> Name the rupture client C12 in 14d")

    for team in ("TALPHA", "TBETA"):
        assert workspace_event(bot, fake_slack, team, {"type": "app_uninstalled"}) == 200
    assert bot.logged("its installation is deleted", times=2) == 2
    reinstalled = install(bot, fake_slack, "TALPHA")

    assert bot.tick(weekday_at(17, 15)).returncode == 0

    [follow_up] = follow_ups_delivered(fake_slack, groups["TALPHA"][1])
    assert follow_up["token"] == reinstalled
    assert follow_ups_delivered(fake_slack, groups["TBETA"][1]) == []
    assert _groups_of(database_url) == ["TALPHA", "TBETA"]  # held, not yet deleted

    assert bot.tick(weekday_at(31, 15)).returncode == 0

    assert _groups_of(database_url) == ["TALPHA"]
    assert follow_ups_delivered(fake_slack, groups["TBETA"][1]) == []


def _groups_of(database_url: str) -> list[str]:
    engine = engine_for(database_url)
    try:
        with engine.connect() as connection:
            return sorted(connection.execute(text("SELECT tenant_id FROM practice_group")).scalars().all())
    finally:
        engine.dispose()
