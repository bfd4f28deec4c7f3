"""What each endpoint tells the server of a request for its log line and its count: a kind from
a short list, whatever the body holds, and the tenant only where the body can be trusted."""

from __future__ import annotations

import pytest

from handlers.server import Seen
from handlers.slack import endpoint as slack
from handlers.teams import endpoint as teams


@pytest.mark.parametrize(
    ("payload", "wanted"),
    [
        ({"command": "/practice", "team_id": "T1"}, Seen("command", "T1")),
        ({"type": "block_actions", "team": {"id": "T2"}}, Seen("action", "T2")),
        ({"type": "view_submission", "team": {"id": "T3"}}, Seen("view", "T3")),
        ({"type": "event_callback", "team_id": "T4"}, Seen("event", "T4")),
        ({"type": "something_new", "team": None}, Seen("other", None)),
        ({"type": ["not", "a", "name"], "team_id": 7}, Seen("other", None)),
    ],
)
def test_a_slack_requests_kind_and_workspace(payload, wanted):
    assert slack.seen(payload) == wanted


TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


@pytest.mark.parametrize(
    ("activity", "status", "wanted"),
    [
        ({"type": "message", "conversation": {"tenantId": TENANT}}, 200, Seen("message", TENANT)),
        ({"type": "invoke", "channelData": {"tenant": {"id": TENANT}}}, 200, Seen("invoke", TENANT)),
        (
            {"type": "installationUpdate", "conversation": {"tenantId": TENANT}},
            403,
            Seen("installation_update", TENANT),
        ),
        ({"type": "message", "conversation": {"tenantId": "forged"}}, 401, Seen("message", None)),
        ({"type": {"odd": 1}}, 401, Seen("other", None)),
    ],
)
def test_a_teams_activitys_kind_and_tenant(activity, status, wanted):
    assert teams.seen(activity, status) == wanted
