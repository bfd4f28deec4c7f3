"""Free text that looks identifying is not stored: the user sees why, and may edit it or
say it is not identifying, which is audited without the text."""

from __future__ import annotations

import json
import re

from sqlmodel import Session, select

from bot.model import AuditEntry
from testkit.database import engine_for
from testkit.slack_driver import blocks_text, buttons, find_button, number_input, state, text_input, user_input

ALICE, COACH = "UALICE", "UCOACH"


def audit_entries(bot) -> list[AuditEntry]:
    engine = engine_for(bot.environment["DATABASE_URL"])
    with Session(engine) as session:
        entries = list(session.exec(select(AuditEntry)))
    engine.dispose()
    return entries


def test_a_name_in_a_command_stores_nothing_until_the_user_says_it_is_not_identifying(bot, group, fake_slack):
    http, name = group.slack.command(ALICE, group.channel, "objective Stay with my client Sarah when she cries")
    [reply] = group.slack.replies(name)
    assert "Nothing was saved" in blocks_text(reply["blocks"]) and "“Sarah” (a name)" in blocks_text(reply["blocks"])
    assert buttons(reply["blocks"]) == ["identifier:save_anyway"]
    assert "none yet" in group.say(ALICE, "status")

    _, clicked = group.slack.click(ALICE, {**reply, "channel": group.channel}, "identifier:save_anyway")
    assert "Your learning objective:" in blocks_text(group.slack.replies(clicked)[0]["blocks"])
    assert "Stay with my client Sarah" in group.say(ALICE, "status")
    [entry] = [entry for entry in audit_entries(bot) if entry.action == "identifier override"]
    assert (entry.actor_id, entry.detail) == (ALICE, "flagged: name")
    assert "Sarah" not in entry.detail


def test_the_save_anyway_button_carries_a_short_token_and_no_part_of_a_long_text(bot, group, fake_slack):
    advice = "Ask Sarah about the week before the session, and about her sister. " * 7  # 490 characters
    command = f"advice <@{ALICE}> {advice.strip()} client C12 ors 18 in 3 days"
    http, name = group.slack.command(COACH, group.channel, command)
    [reply] = group.slack.replies(name)
    button = find_button(reply["blocks"], "identifier:save_anyway")

    assert re.fullmatch(r"[A-Za-z0-9_-]{20,64}", button["value"]), button
    assert [word for word in set(re.findall(r"[a-z]{4,}", advice.lower())) if word in json.dumps(button).lower()] == []
    _, clicked = group.slack.click(COACH, {**reply, "channel": group.channel}, "identifier:save_anyway")
    assert "Advice recorded for <@UALICE> about client C12 (baseline ORS 18)" in blocks_text(
        group.slack.replies(clicked)[0]["blocks"]
    )


def test_phone_numbers_emails_and_record_numbers_are_refused_everywhere(group):
    assert "a phone number" in group.say(ALICE, "log 20 called the client back on 020 7946 0958")
    assert "an email address" in group.say(COACH, "advice <@UALICE> Write to jo.bloggs@example.org about it")
    assert "a record or ID number" in group.say(ALICE, "objective Review MRN 4481923 before each session")
    status = group.say(ALICE, "status")
    assert "Practice this week:* 0 min" in status and "none yet" in status


def test_clinical_language_passes(group):
    assert "Your learning objective:" in group.say(
        ALICE, "objective Use Socratic questioning as Beck describes, and track SRS below 36 with C12"
    )


def test_a_form_shows_what_looked_identifying_beside_the_field(bot, group, fake_slack):
    group.slack.command(COACH, group.channel, "advice")
    view = fake_slack.wait_for("views.open")[0].args["view"]
    values = state(
        therapist=user_input(ALICE),
        advice=text_input("Ask Mrs. Hughes about the weekend"),
        client=text_input("H-4"),
        ors=number_input(None),
        days=number_input(7),
    )
    refused = group.slack.submit(COACH, view, values)
    assert refused.json()["response_action"] == "errors"
    assert "“Mrs. Hughes” (a name)" in refused.json()["errors"]["advice"]
    assert [entry.action for entry in audit_entries(bot)] == ["group set up"]

    ticked = {
        **values,
        "not_identifying": {"not_identifying": {"type": "checkboxes", "selected_options": [{"value": "yes"}]}},
    }
    assert group.slack.submit(COACH, view, ticked).body == ""
    assert [entry.action for entry in audit_entries(bot)] == ["group set up", "identifier override"]
