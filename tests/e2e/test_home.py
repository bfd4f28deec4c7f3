"""The App Home over signed HTTP, as Slack opens it: `app_home_opened` → `views.publish` with
the therapist's Home and, for the coach, the group's table. A `serve` of its own, since the
user's Home is published again after each of their changes, on work the request set going."""

from __future__ import annotations

import json
import time

from tests.conftest import on_one_database

pytestmark = on_one_database("sqlite")


def test_app_home_shows_the_therapists_home_and_the_coachs_group_table(slack, fake_slack):
    fake_slack.add_user("UHOME", "Europe/Oslo")
    slack.say("UHOME", "CHOME", "setup")
    slack.say("UHOME", "CHOME", "join")
    slack.say("UHOME", "CHOME", "objective Listen for the client's theory of change")
    event = {
        "token": "unused",
        "team_id": slack.team_id,
        "api_app_id": "AFAKE",
        "type": "event_callback",
        "event_id": "Ev1",
        "event_time": int(time.time()),
        "event": {
            "type": "app_home_opened",
            "user": "UHOME",
            "channel": "DHOME",
            "tab": "home",
            "event_ts": str(time.time()),
        },
        "authorizations": [{"team_id": slack.team_id, "user_id": "UBOT", "is_bot": True}],
    }
    assert slack.post(json.dumps(event), "application/json").status == 200
    # Published again after each of the three commands (each changed something), then when opened.
    published = fake_slack.wait_for("views.publish", 4)[-1]
    assert published.args["user_id"] == "UHOME"
    view = published.args["view"]
    home_text = json.dumps(view)
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    assert "theory of change" in home_text and "This week's check-in" in home_text and "Practice minutes" in home_text
    assert "The group you coach" in home_text and "<@UHOME>: Listen for the client's theory of change" in home_text
    assert "home:digest_preview" in home_text
