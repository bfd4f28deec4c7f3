"""Each subcommand through the Teams front-end, typed in the group's channel or in the 1:1
chat with the bot, with what a person is shown: every reply in their 1:1 chat, and in the
channel only that they were answered privately. Then forms and buttons, which Teams shows
as dialogs, "save anyway" for identifying text, and an export by file consent.

Each activity returns once everything it set going has finished (tests/in_process_teams.py),
so what it caused is there to be seen when it returns."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import NamedTuple

import pytest
from sqlmodel import Session, select

from bot.grammar import USAGE
from bot.model import Advice, AdviceStatus, Delivery, DeliveryKind, Objective, PracticeLog
from handlers.teams.context import BUTTONS_NOT_SENT, NOT_DELIVERED, NOT_SHOWN
from testkit.teams_driver import (
    CHANNEL_ID,
    TEAM_ID,
    Member,
    TeamsDriver,
    buttons,
    card_of,
    card_text,
    cards_to,
    dialog_card,
    dialog_message,
    field_ids,
    posts_to,
    shown_after,
    submission,
)
from tests.conftest import on_one_database
from tests.teams_steps import ALICE, BOB, COACH, TeamsGroup, a_follow_up, a_teams_group

pytestmark = on_one_database("sqlite")  # a front-end's translation: the core's SQL runs on both kinds in its own tests

CAROL = Member("29:carol", "Carol Example", "Europe/Paris")  # not in the group
USAGE_OF_LOG = "“practice log ‹minutes› ‹activity›”"


class Case(NamedTuple):
    who: Member
    text: str
    told: str
    before: str | None = None  # typed first, where the command needs it
    chat_too: bool = True  # also typed in the 1:1 chat, as `<text>` and as `practice <text>`


SUBCOMMANDS = {
    "help": Case(ALICE, "help", "“practice advice @therapist"),
    "setup": Case(
        COACH, "setup digest thu 16:30 tz America/Chicago", "Thursdays at 16:30 (America/Chicago)", chat_too=False
    ),
    "join": Case(CAROL, "join", "Welcome to the group", chat_too=False),
    "leave": Case(ALICE, "leave", "You've left this group", chat_too=False),
    "objective": Case(ALICE, "objective Hold silences longer", "Your learning objective:** Hold silences longer"),
    "advice": Case(COACH, "advice @Alice Example Slow down client C12 in 2w", "Advice recorded for", chat_too=False),
    "recording": Case(
        COACH, "recording @Alice Example client C12 warm opening", "reviewed a session recording of", chat_too=False
    ),
    "outcome": Case(ALICE, "outcome c12 ors 22.5 session 2", "Recorded ORS 22.5 for C12 (session 2)."),
    "client": Case(ALICE, "client C7 band child", "C7 is now in the child band: clinical cutoff 32."),
    "caseload": Case(ALICE, "caseload", "Active clients:** 0"),
    "log": Case(ALICE, "log 30 reviewed a session recording", "Logged 30 min: reviewed a session recording"),
    "status": Case(ALICE, "status", "Practice this week:**"),
    "home": Case(ALICE, "home", "Open follow-ups"),
    "digest": Case(COACH, "digest preview", "Practice digest"),
    "pause": Case(ALICE, "pause 1w", "Paused until"),
    "resume": Case(ALICE, "resume", "Welcome back", before="pause 1w"),
    "holiday": Case(COACH, "holiday 2030-01-01..2030-01-05", "Days off for the group"),
    "note": Case(ALICE, "note Waiting helps the client go on", "Learning note kept."),
    "prep": Case(ALICE, "prep C12", "Before your session with C12"),
    "notes": Case(ALICE, "notes channel", "Your learning notes now go in the group's channel digest"),
    "coach": Case(COACH, "coach @Bob Example", "is now this group's coach", chat_too=False),
    "forget": Case(ALICE, "forget", "Delete all your data?"),
    "export": Case(ALICE, "export", "I'm sending you your data"),
}


def test_every_subcommand_of_the_grammar_has_a_case():
    assert set(SUBCOMMANDS) == set(USAGE)


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_each_subcommand_in_the_channel_and_in_the_chat(teams_group: TeamsGroup, name):
    case = SUBCOMMANDS[name]
    mentioned = [member for member in (ALICE, BOB) if f"@{member.name}" in case.text]
    if case.before:
        teams_group.say(case.who, case.before)
    assert case.told in teams_group.say(case.who, case.text, mentioned), name
    if not case.chat_too:
        return
    for typed in (case.text, f"practice {case.text}"):
        if case.before:
            teams_group.chat(case.who, case.before)
        assert case.told in teams_group.chat(case.who, typed), (name, typed)


def test_objective_history_in_the_channel_and_in_the_chat(teams_group: TeamsGroup):
    teams_group.chat(ALICE, "objective Hold silences longer")
    teams_group.chat(ALICE, "objective Name ruptures out loud")
    for history in (teams_group.say(ALICE, "objective history"), teams_group.chat(ALICE, "objective history")):
        first, second = history.split("Objective 2")
        assert "Hold silences longer" in first and "How it ended:** refined into objective 2" in first
        assert "Name ruptures out loud" in second and "Clients in as long before it:** not shown below 5" in second


def test_nothing_private_is_posted_in_the_channel(teams_group: TeamsGroup):
    """Every command above, typed in the channel, posted the one line there (TeamsGroup.say
    checks it); here, that a reply full of private detail is no exception."""
    teams_group.say(ALICE, "objective Hold silences longer")
    teams_group.say(ALICE, "log 45 role-played a rupture")
    preview = teams_group.say(COACH, "digest preview")
    assert "Hold silences longer" in preview
    channel_texts = [str(call.args) for call in posts_to(teams_group.fake, CHANNEL_ID)]
    assert channel_texts and not [text for text in channel_texts if "Hold silences" in text or "45 min" in text]


def test_an_unknown_subcommand_is_named_and_help_shown(teams_group: TeamsGroup):
    for told in (teams_group.say(ALICE, "frobnicate now"), teams_group.chat(ALICE, "frobnicate now")):
        assert "I don't know the subcommand “frobnicate”" in told
        assert USAGE_OF_LOG in told


def test_bad_usage_names_the_usage(teams_group: TeamsGroup):
    told = teams_group.say(ALICE, "log 30")
    assert "takes the minutes, then what you practised" in told and f"**Usage:** {USAGE_OF_LOG}" in told
    told = teams_group.chat(ALICE, "log lots of it")
    assert "whole number from 1 to 600" in told and "**Usage:**" in told
    assert "“practice digest preview|post”" in teams_group.say(COACH, "digest later")


def test_what_only_the_coach_may_do_is_refused_to_a_therapist(teams_group: TeamsGroup):
    for text in ("digest preview", "digest post", "holiday 2030-01-01"):
        told = teams_group.say(ALICE, text)
        assert "Only this group's coach" in told and "**Usage:**" in told, text
    told = teams_group.say(ALICE, "coach @Bob Example", [BOB])
    assert "Only the coach can hand the coach role over." in told
    told = teams_group.say(ALICE, "setup digest mon 10:00")
    assert "only its coach" in told and "**Usage:** “practice setup" in told
    told = teams_group.say(ALICE, "advice @Bob Example Try this", [BOB])
    assert "Only the coach can record advice for someone else" in told


def test_what_only_a_therapist_may_do_is_refused_to_the_coach(teams_group: TeamsGroup):
    told = teams_group.say(COACH, "notes channel")
    assert "You haven't joined this group as a therapist yet" in told and "**Usage:** “practice notes" in told


def test_someone_not_in_the_group_is_refused(teams_group: TeamsGroup):
    for text in ("objective Something", "log 30 reading", "pause 1w"):
        told = teams_group.say(CAROL, text)
        assert "haven't joined this group" in told and "**Usage:**" in told, text
    assert "You're not in a supervision group yet" in teams_group.chat(CAROL, "status")


def test_what_belongs_in_a_channel_is_refused_in_the_chat(teams_group: TeamsGroup):
    assert "not in a direct message" in teams_group.chat(COACH, "setup")
    told = teams_group.chat(CAROL, "join")
    assert "isn't a supervision group" in told and "“practice join”" in told


def test_advice_that_names_no_therapist_is_refused(teams_group: TeamsGroup):
    assert "Start with the therapist" in teams_group.say(COACH, "advice alice Try this")
    assert "looks like a name" in teams_group.say(COACH, "advice @Alice Example Try this client: John", [ALICE])
    assert "Open follow-ups:** none" in teams_group.chat(ALICE, "status")


def test_advice_options_after_a_two_word_mention_are_recorded_wherever_they_stand(teams_group: TeamsGroup, teams_bot):
    told = teams_group.say(COACH, "advice @Alice Example client: C4 Try two-chair work, ors: 18 in three days", [ALICE])
    assert "about client C4 (baseline ORS 18)" in told and "I'll ask them on" in told
    refused = teams_group.say(COACH, "advice @Alice Example Try two-chair work ors eighteen", [ALICE])
    assert "“ors eighteen”: The baseline ORS must be a number" in refused and "**Usage:**" in refused
    with Session(teams_bot.engine) as session:
        [advice] = session.exec(select(Advice)).all()
        [asked] = session.exec(select(Delivery).where(Delivery.kind == DeliveryKind.FOLLOW_UP, ~Delivery.is_reminder))
    assert (advice.text, advice.client_code, advice.baseline_ors) == ("Try two-chair work,", "C4", 18)
    assert 3 <= (asked.due_at - advice.created_at).days < 7, "three days on, moved past a weekend; not 14"


# ----- forms -----


def test_the_objective_form_opens_from_the_chat_checks_its_fields_and_saves(teams_group: TeamsGroup, teams_bot):
    teams = teams_group.teams
    assert "Learning objective" in teams_group.say(ALICE, "objective")
    button = buttons(cards_to(teams_group.fake, ALICE)[-1])["Open form"]

    form = dialog_card(teams.press(ALICE, button))
    assert field_ids(form) == ["objective", "leverage", "evidence", "review_on", "not_identifying"]

    again = dialog_card(teams.submit(ALICE, submission(form, objective="Hold silences", review_on=in_days(-3))))
    assert shown_after(again, "review_on") == "Choose a date after today and within a year."
    again = dialog_card(teams.submit(ALICE, submission(form, objective="x" * 301, review_on=in_days(20))))
    assert shown_after(again, "objective") == "Keep it to 300 characters (this is 301)."
    assert objectives(teams_bot) == []  # nothing half-written

    assert "You have reviewed 1 of their recordings" in teams_group.say(
        COACH, "recording @Alice Example client C12", [ALICE]
    )
    valid = submission(form, objective="Hold silences", review_on=in_days(20))
    assert dialog_message(teams.submit(ALICE, valid))
    confirmed = card_text(cards_to(teams_group.fake, ALICE)[-1])
    assert "Your learning objective is set:** Hold silences" in confirmed
    assert "Your coach has reviewed 1 of your session recordings in the last 12 weeks; an objective shaped" in confirmed
    assert objectives(teams_bot) == [(ALICE.id, "Hold silences")]


def test_the_log_form_chooses_the_kind_and_status_shows_the_weeks_and_kinds(teams_group: TeamsGroup, teams_bot):
    teams = teams_group.teams
    teams_group.chat(ALICE, "log 30 reviewed a session recording")
    assert "Log practice" in teams_group.chat(ALICE, "log")
    form = dialog_card(teams.press(ALICE, buttons(cards_to(teams_group.fake, ALICE)[-1])["Open form"]))
    assert field_ids(form) == ["minutes", "activity", "kind", "not_identifying"]
    [kind] = [element for element in form["body"] if element.get("id") == "kind"]
    assert kind["value"] == "from_the_words"

    assert dialog_message(
        teams.submit(ALICE, submission(form, minutes="20", activity="a hard talk", kind="consultation"))
    )
    assert "Logged 20 min: a hard talk (consultation)" in card_text(cards_to(teams_group.fake, ALICE)[-1])
    status = teams_group.chat(ALICE, "status")
    assert "0 · 0 · 0 · 0 · 0 · 0 · 0 · 50 min, this week last" in status
    assert "recording review 30 min · consultation 20 min" in status


def objectives(teams_bot) -> list[tuple[str, str]]:
    with Session(teams_bot.engine) as session:
        return [(o.user_id, o.text) for o in session.exec(select(Objective).order_by(Objective.id))]


def in_days(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


# ----- buttons -----


def test_a_follow_up_applied_opens_its_form_and_not_yet_redraws_the_card(teams_group: TeamsGroup, teams_bot):
    teams = teams_group.teams
    card = a_follow_up(teams_group, teams_bot.tick)
    assert list(buttons(card)) == ["Applied", "Partly", "Not yet (remind me in 7 days)", "No longer relevant"]

    form = dialog_card(teams.press(ALICE, buttons(card)["Applied"]))
    assert field_ids(form) == ["learning", "ors", "srs", "session", "intake", "not_identifying"]
    assert teams_group.fake.calls_to("activities.update") == []

    assert dialog_message(teams.press(ALICE, buttons(card)["Not yet (remind me in 7 days)"]))
    [update] = teams_group.fake.calls_to("activities.update", conversation_id=ALICE.chat_id)
    [redrawn] = [attachment["content"] for attachment in update.args["attachments"]]
    assert "Not yet: I'll ask again on" in card_text(redrawn) and buttons(redrawn) == {}
    with Session(teams_bot.engine) as session:
        assert [advice.status for advice in session.exec(select(Advice))] == [AdviceStatus.NOT_YET]

    again = dialog_message(teams.press(ALICE, buttons(card)["No longer relevant"]))
    assert "already" in again
    assert len(teams_group.fake.calls_to("activities.update")) == 1


# ----- identifying text -----


def test_identifying_text_is_kept_back_until_save_anyway_is_pressed(teams_group: TeamsGroup, teams_bot):
    told = teams_group.chat(ALICE, "log 20 talked with Maria about her mother")
    assert "Nothing was saved" in told and "Maria" in told
    assert practice_logs(teams_bot) == []

    button = buttons(cards_to(teams_group.fake, ALICE)[-1])["It is not identifying: save anyway"]
    saved = dialog_message(teams_group.teams.press(ALICE, button))
    assert "Logged 20 min" in saved
    assert practice_logs(teams_bot) == [(ALICE.id, 20)]


def test_a_dialogs_answer_whose_buttons_cannot_reach_the_chat_says_so_in_the_dialog(teams_group: TeamsGroup):
    second = TeamsDriver(teams_group.teams.transport, teams_group.fake, channel_id="19:second@thread.tacv2")
    a_teams_group(second, therapists=[BOB])
    teams_group.chat(COACH, "home")
    home = buttons(cards_to(teams_group.fake, COACH)[-1])
    [pick] = [button for label, button in home.items() if "second" in label]

    cards = len(cards_to(teams_group.fake, COACH))
    shown = dialog_message(teams_group.teams.press(COACH, pick))  # the second group's Home, with its buttons
    assert "Bob Example: no objective" in shown and BUTTONS_NOT_SENT not in shown
    [copied] = cards_to(teams_group.fake, COACH)[cards:]
    assert "<at>Bob Example</at>: no objective" in card_text(copied) and "Post digest now" in buttons(copied)

    teams_group.fake.fail_next("activities.create", 403)  # the copy, with its buttons, to the coach's 1:1 chat
    shown = dialog_message(teams_group.teams.press(COACH, pick))
    assert "Bob Example: no objective" in shown and shown.endswith(BUTTONS_NOT_SENT)


def test_the_save_anyway_button_carries_a_short_token_and_no_part_of_a_long_text(teams_group: TeamsGroup):
    note = "Maria settles when I slow down and name what I see before I ask about her week. " * 11  # 902 characters
    told = teams_group.chat(ALICE, f"note {note.strip()}")
    assert "Nothing was saved" in told and "Maria" in told

    button = buttons(cards_to(teams_group.fake, ALICE)[-1])["It is not identifying: save anyway"]

    assert set(button) == {"msteams", "action", "value"} and re.fullmatch(r"[A-Za-z0-9_-]{20,64}", button["value"])
    assert [word for word in set(re.findall(r"[a-z]{4,}", note.lower())) if word in json.dumps(button).lower()] == []
    assert "Learning note kept" in dialog_message(teams_group.teams.press(ALICE, button))
    assert "Maria settles when I slow down" in teams_group.chat(ALICE, "notes")


def practice_logs(teams_bot) -> list[tuple[str, int]]:
    with Session(teams_bot.engine) as session:
        return [(log.user_id, log.minutes) for log in session.exec(select(PracticeLog))]


# ----- export -----


def consent_cards(teams_group: TeamsGroup, member: Member) -> list[dict]:
    return [
        attachment
        for call in posts_to(teams_group.fake, member.chat_id)
        for attachment in call.args.get("attachments", [])
        if attachment["contentType"] == "application/vnd.microsoft.teams.card.file.consent"
    ]


def test_an_export_accepted_uploads_each_file_and_shows_it(teams_group: TeamsGroup):
    teams_group.chat(ALICE, "log 30 reviewed a session recording")
    assert "I'm sending you your data" in teams_group.chat(ALICE, "export")
    offered = consent_cards(teams_group, ALICE)
    assert [card["name"] for card in offered] == ["supervision-bot-export.json", "supervision-bot-export.csv"]

    for card in offered:
        upload = {
            "name": card["name"],
            "uploadUrl": teams_group.fake.upload_url(card["name"]),
            "contentUrl": f"https://files.example/{card['name']}",
            "uniqueId": f"id-{card['name']}",
            "fileType": card["name"].rsplit(".", 1)[1],
        }
        reply = teams_group.teams.consent(ALICE, card["content"]["acceptContext"], upload)
        assert reply.status == 200, reply

    uploads = teams_group.fake.uploads
    assert set(uploads) == {"supervision-bot-export.json", "supervision-bot-export.csv"}
    assert b"reviewed a session recording" in uploads["supervision-bot-export.json"]
    shown = [
        attachment["name"]
        for call in posts_to(teams_group.fake, ALICE.chat_id)
        for attachment in call.args.get("attachments", [])
        if attachment["contentType"] == "application/vnd.microsoft.teams.card.file.info"
    ]
    assert shown == ["supervision-bot-export.json", "supervision-bot-export.csv"]


def test_an_export_declined_uploads_nothing(teams_group: TeamsGroup):
    teams_group.chat(ALICE, "export")
    for card in consent_cards(teams_group, ALICE):
        assert teams_group.teams.consent(ALICE, card["content"]["declineContext"]).status == 200
    assert teams_group.fake.uploads == {}
    assert teams_group.fake.calls_to("files.upload") == []


def test_a_message_teams_sends_again_is_answered_and_handled_once(teams_group: TeamsGroup, database_url):
    teams = teams_group.teams
    activity = teams.chat_message(ALICE, "log 30 role-play")
    told = teams_group.told(ALICE, lambda: teams.send(activity))  # each send returns once its work is done
    assert "Logged 30 min" in told
    assert teams_group.told(ALICE, lambda: teams.send(activity)) == ""
    assert "Practice this week:** 30 min" in teams_group.chat(ALICE, "status")


# ----- a reply Microsoft refuses -----


def texts_posted(teams_group: TeamsGroup, conversation_id: str, act) -> list[str | None]:
    """The text of each post to a conversation while `act` is handled (a card's is None)."""
    before = len(posts_to(teams_group.fake, conversation_id))
    assert act().status == 200
    return [call.args.get("text") for call in posts_to(teams_group.fake, conversation_id)[before:]]


def test_a_reply_the_chat_refuses_is_followed_by_one_saying_so_in_the_channel(teams_group: TeamsGroup, teams_bot):
    teams_group.fake.fail_next("activities.create")  # the reply to Alice's 1:1 chat
    posted = texts_posted(
        teams_group, teams_group.channel, lambda: teams_group.teams.in_channel(ALICE, "practice log 30 x")
    )
    assert posted == [NOT_DELIVERED]
    assert practice_logs(teams_bot) == [(ALICE.id, 30)]


def test_a_reply_the_chat_refuses_is_followed_by_one_saying_so_in_the_chat(teams_group: TeamsGroup, teams_bot):
    teams_group.fake.fail_next("activities.create")
    posted = texts_posted(teams_group, ALICE.chat_id, lambda: teams_group.teams.in_chat(ALICE, "log 30 x"))
    assert posted[-1] == NOT_SHOWN and len(posted) == 2  # the card refused, then what happened
    assert practice_logs(teams_bot) == [(ALICE.id, 30)]


def test_the_bot_says_hello_once_however_often_teams_tells_of_its_install(teams: TeamsDriver, microsoft):
    assert teams.installed_in_team(COACH).status == 200
    assert teams.installed_in_team(COACH).status == 200
    [hello] = posts_to(microsoft, TEAM_ID)
    assert "practice setup" in hello.args["text"]


# ----- clients -----


def test_a_flag_the_views_and_who_may_see_whose_clients(teams_group: TeamsGroup):
    teams_group.chat(ALICE, "outcome C12 ors 30 session 1")
    told = teams_group.chat(ALICE, "outcome C12 ors 24.5 session 2")
    assert "ORS 30 → 24.5 since intake on" in told and ": reliable deterioration" in told
    assert "**Trajectory:** ORS 30 (intake, " in told

    own = teams_group.chat(ALICE, "client C12")
    assert "ORS 30 → 24.5 (-5.5): reliable deterioration" in own and "**Age band:** adult (clinical cutoff 25)" in own
    assert "You have no client C12 in this group" in teams_group.chat(BOB, "client C12")
    refused = teams_group.say(BOB, "caseload @Alice Example", [ALICE])
    assert (
        "can see another therapist's clients" in refused
        and "**Usage:** “practice caseload \\[@therapist\\]”" in refused
    )

    coach_view = teams_group.say(COACH, "client C12 @Alice Example", [ALICE])
    assert "ORS 30 → 24.5 (-5.5): reliable deterioration" in coach_view
    caseload = teams_group.say(COACH, "caseload @Alice Example", [ALICE])
    assert "**Active clients:** 1 (closed: 0)" in caseload and "• C12: ORS 30 → 24.5 (-5.5)" in caseload


def test_a_client_without_advice_that_deteriorates_comes_first_on_the_channel_digests_agenda(teams_group: TeamsGroup):
    teams_group.chat(ALICE, "outcome C7 ors 30 session 1")
    teams_group.chat(ALICE, "outcome C9 ors 20 session 1")
    teams_group.chat(ALICE, "outcome C9 ors 27 session 2")
    assert "reliable deterioration" in teams_group.chat(ALICE, "outcome C7 ors 14 session 2")

    posted_before = len(posts_to(teams_group.fake, CHANNEL_ID))
    teams_group.told(COACH, lambda: teams_group.teams.in_channel(COACH, "practice digest post"))
    posted = posts_to(teams_group.fake, CHANNEL_ID)[posted_before:]
    [digest] = [card_text(card_of(call.args)) for call in posted if call.args.get("attachments")]
    agenda = digest.split("Agenda for the next meeting")[1]
    assert agenda.lstrip().startswith("• Reliable deterioration: ")
    first_item = agenda.lstrip().splitlines()[0]
    assert "Alice" in first_item and "C7: ORS 30 → 14 since intake on" in first_item
    assert "C9" not in first_item
