"""Each `/practice` subcommand through the Slack front-end, with the replies a user sees.
(How a command is acknowledged over HTTP is in tests/e2e/test_http.py.)"""

from __future__ import annotations

from datetime import date, timedelta

from testkit.slack_driver import blocks_text, date_input, number_input, select, state, text_input, user_input

ALICE, BOB, COACH = "UALICE", "UBOB", "UCOACH"


def test_help_for_empty_text_and_help(group):
    for text in ("", "help"):
        reply = group.say(ALICE, text)
        assert "/practice advice @therapist" in reply and "/practice digest preview|post" in reply


def test_unknown_subcommand_names_it_and_shows_help(group):
    reply = group.say(ALICE, "frobnicate now")
    assert "I don't know the subcommand “frobnicate”" in reply
    assert "/practice log &lt;minutes&gt; &lt;activity&gt;" in reply


def test_setup_with_options_and_update_by_the_coach(group):
    reply = group.say(COACH, "setup digest thu 16:30 checkin tue 09:15 tz America/Chicago")
    assert "Group settings updated" in reply
    assert "Thursdays at 16:30 (America/Chicago)" in reply and "Tuesdays at 09:15" in reply


def test_setup_defaults_to_friday_afternoon_in_the_coachs_zone(slack, fake_slack):
    fake_slack.add_user("UNEWCOACH", "Asia/Tokyo")
    reply = slack.say("UNEWCOACH", "CNEW", "setup")
    assert "Fridays at 15:00 (Asia/Tokyo)" in reply and "Mondays at 10:00" in reply


def test_only_the_coach_may_change_setup(group):
    reply = group.say(ALICE, "setup digest mon 10:00")
    assert "only its coach (<@UCOACH>) can change it" in reply
    assert "Usage:" in reply and "/practice setup" in reply


def test_setup_refuses_bad_zone_and_time(group):
    assert "not an IANA time zone" in group.say(COACH, "setup tz Mars/Olympus")
    assert "not a time of day" in group.say(COACH, "setup digest fri 25:00")
    assert "not a weekday" in group.say(COACH, "setup digest someday 10:00")


def test_setup_in_a_direct_message_is_refused(slack, fake_slack):
    fake_slack.add_user("UCOACH2", "Europe/Berlin")
    assert "not in a direct message" in slack.say("UCOACH2", "DCOACH2", "setup")


def test_join_and_leave(group):
    assert "already in this group" in group.say(ALICE, "join")
    assert "You've left this group" in group.say(ALICE, "leave")
    assert "not a member of this group" in group.say(ALICE, "leave")
    assert "Welcome" in group.say(ALICE, "join")


def test_join_outside_a_group_channel_is_refused(group):
    reply = group.slack.say(ALICE, "CRANDOM", "join")
    assert "isn't a supervision group" in reply and "/practice join" in reply


def test_objective_with_text_and_replacing_it_keeps_history(group):
    first = group.say(ALICE, "objective Ask for feedback at the end of every session")
    assert "Your learning objective:" in first and "Ask for feedback" in first
    second = group.say(ALICE, "objective Slow down when the client goes quiet")
    assert "previous objective is kept as refined" in second
    assert "Slow down when the client goes quiet" in group.say(ALICE, "status")


def test_objective_history_lists_each_objective_in_order_with_how_it_ended(group):
    assert "no learning objectives yet" in group.say(ALICE, "objective history")
    group.say(ALICE, "objective Ask for feedback at the end of every session")
    group.say(ALICE, "objective Slow down when the client goes quiet")
    group.say(ALICE, "log 25 rehearsed slowing down")

    history = group.say(ALICE, "objective history")

    first, second = history.split("Objective 2")
    assert "Objective 1" in first and "Ask for feedback at the end of every session" in first
    assert "How it ended:* refined into objective 2" in first
    assert "Slow down when the client goes quiet" in second and "still open (review" in second
    assert "Practice during it:* 25 min" in second
    assert "Clients during it (less than a day):* not shown below 5 clients with an ORS after intake" in second
    assert "Clients in as long before it:* not shown below 5" in second


def test_objective_before_joining_is_refused(group, fake_slack):
    fake_slack.add_user("UCAROL", "Europe/Paris")
    reply = group.say("UCAROL", "objective Something")
    assert "haven't joined this group" in reply


def test_objective_form_checks_the_review_date(group, fake_slack):
    group.slack.command(ALICE, group.channel, "objective")
    view = fake_slack.wait_for("views.open")[0].args["view"]
    assert [b["block_id"] for b in view["blocks"]] == [
        "objective",
        "leverage",
        "evidence",
        "review_on",
        "not_identifying",
    ]
    past = (date.today() - timedelta(days=3)).isoformat()
    http = group.slack.submit(
        ALICE,
        view,
        state(
            objective=text_input("Hold silences"),
            leverage=text_input(None),
            evidence=text_input(None),
            review_on=date_input(past),
        ),
    )
    assert http.status == 200
    assert http.json() == {
        "response_action": "errors",
        "errors": {"review_on": "Choose a date after today and within a year."},
    }
    assert "none yet" in group.say(ALICE, "status")  # nothing half-written


def test_objective_form_asks_what_became_of_the_current_one_and_confirms_with_the_recordings_reviewed(
    group, fake_slack
):
    group.say(ALICE, "objective Hold silences")
    for _ in range(2):
        assert "reviewed a session recording of <@UALICE>" in group.say(COACH, "recording <@UALICE|alice>")
    group.slack.command(ALICE, group.channel, "objective")
    view = fake_slack.wait_for("views.open")[0].args["view"]
    assert [b["block_id"] for b in view["blocks"]][-3:] == ["previous", "ended_why", "not_identifying"]
    review_on = (date.today() + timedelta(days=20)).isoformat()
    http = group.slack.submit(
        ALICE,
        view,
        state(
            objective=text_input("Invite feedback on the alliance"),
            leverage=text_input("Alliance predicts outcome"),
            evidence=text_input(None),
            review_on=date_input(review_on),
            previous={"type": "static_select", "selected_option": {"value": "achieved"}},
            ended_why=text_input("My clients now tell me when a session misses"),
        ),
    )
    assert http.status == 200 and http.body == ""
    [confirmed] = fake_slack.wait_for("chat.postMessage", channel=ALICE)
    told = blocks_text(confirmed.args["blocks"])
    assert "Your learning objective is set:* Invite feedback on the alliance" in told
    assert "Your coach has reviewed 2 of your session recordings in the last 12 weeks; an objective shaped" in told
    assert "Invite feedback on the alliance" in group.say(ALICE, "status")
    first = group.say(ALICE, "objective history").split("Objective 2")[0]
    assert "How it ended:* achieved\n*Why:* My clients now tell me when a session misses" in first


def test_advice_from_the_coach_and_to_oneself(group):
    reply = group.say(COACH, "advice <@UALICE|alice> Try a session rating scale client K-7 in 2w")
    assert "Advice recorded for <@UALICE> about client K-7." in reply and "I'll ask them on" in reply
    reply = group.say(BOB, "advice <@UBOB|bob> Reflect before advising")
    assert "I'll ask you on" in reply
    status = group.say(ALICE, "status")
    assert "Open follow-ups: *1" in status.replace("* ", "*") or "Open follow-ups:* 1" in status
    assert "Try a session rating scale (K-7)" in status


def test_advice_uses_the_latest_ors_as_baseline(group):
    group.say(ALICE, "outcome C3 ors 17")
    reply = group.say(COACH, "advice <@UALICE> Explore the goal client C3")
    assert "baseline ORS 17" in reply


def test_advice_refusals(group, fake_slack):
    fake_slack.add_user("UOUTSIDER", "Europe/Paris")
    assert "Only the coach can record advice for someone else" in group.say(ALICE, "advice <@UBOB> Try this")
    assert "isn't a therapist in this group" in group.say(COACH, "advice <@UOUTSIDER> Try this")
    assert "can't find that user" in group.say(COACH, "advice <@UNOBODY> Try this")
    assert "looks like a name" in group.say(COACH, "advice <@UALICE> Try this client: John")
    assert "needs the client code" in group.say(COACH, "advice <@UALICE> Try this ors 20")
    assert "out of range" in group.say(COACH, "advice <@UALICE> Try this client C1 ors 44")
    assert "Start with the therapist" in group.say(COACH, "advice alice Try this")
    assert "Open follow-ups:* none" in group.say(ALICE, "status")


def test_advice_form(group, fake_slack):
    group.slack.command(COACH, group.channel, "advice")
    view = fake_slack.wait_for("views.open")[0].args["view"]
    assert view["callback_id"] == "advice"
    assert view["blocks"][0]["element"]["type"] == "users_select"
    bad = group.slack.submit(
        COACH,
        view,
        state(
            therapist=user_input(ALICE),
            advice=text_input("Go slower"),
            client=text_input("Maria"),
            ors=number_input(None),
            days=number_input(7),
        ),
    )
    assert bad.json()["errors"] == {
        "client": "“Maria” looks like a name. Never use a client's name here: use a code you choose, like C12 or K-7."
    }
    good = group.slack.submit(
        COACH,
        view,
        state(
            therapist=user_input(ALICE),
            advice=text_input("Go slower"),
            client=text_input("m-4"),
            ors=number_input(15),
            days=number_input(7),
        ),
    )
    assert good.status == 200 and good.body == ""
    notice = fake_slack.wait_for("chat.postMessage", channel=COACH)[0].args
    assert "Advice recorded for <@UALICE> about client M-4 (baseline ORS 15)." in blocks_text(notice["blocks"])


def test_outcome(group):
    assert "Recorded ORS 22 for C12." in group.say(ALICE, "outcome c12 ors 22")
    assert "below 36" in group.say(ALICE, "outcome C12 srs 31")
    assert "below 36" not in group.say(ALICE, "outcome C12 srs 38")
    assert "from 0 to 40" in group.say(ALICE, "outcome C12 ors 41")
    assert "must be ors or srs" in group.say(ALICE, "outcome C12 phq 9")
    assert "looks like a name" in group.say(ALICE, "outcome Peter ors 20")


def test_outcome_shows_movement_since_the_advice(group):
    group.say(COACH, "advice <@UALICE> Name the pattern client C9 ors 16")
    reply = group.say(ALICE, "outcome C9 ors 23")
    assert "ORS 16 → 23 (+7) since the advice of" in reply and ": reliable improvement" in reply


def test_log_and_weekly_total(group):
    logged = group.say(ALICE, "log 30 reviewed a session recording")
    assert "Logged 30 min: reviewed a session recording (recording review)" in logged
    assert "This week so far: 45 min." in group.say(ALICE, "log 15 role-played a rupture")
    status = group.say(ALICE, "status")
    assert "Practice this week:* 45 min" in status
    assert "0 · 0 · 0 · 0 · 0 · 0 · 0 · 45 min, this week last" in status
    assert "since " in status and "recording review 30 min · skill rehearsal 15 min" in status
    assert "whole number from 1 to 600" in group.say(ALICE, "log lots of it")
    assert "takes the minutes, then what you practised" in group.say(ALICE, "log 30")


def test_status_from_a_direct_message_finds_the_only_group(group):
    group.say(ALICE, "objective Hold silences")
    assert "Hold silences" in group.slack.say(ALICE, "DALICE", "status")


def test_digest_preview_is_for_the_coach(group):
    group.say(ALICE, "objective Hold silences")
    preview = group.say(COACH, "digest preview")
    assert "Practice digest" in preview and "<@UALICE>: Hold silences" in preview
    assert "No objective yet: <@UBOB>" in preview
    assert "Only this group's coach (<@UCOACH>) can do that." in group.say(ALICE, "digest preview")
    assert "digest preview|post" in group.say(COACH, "digest later")


def test_user_text_cannot_ping_or_link(group):
    reply = group.say(ALICE, "objective <!channel> look at <@UBOB> and <https://evil.example|this>")
    assert "<!channel>" not in reply and "<@UBOB>" not in reply and "<https://" not in reply
    assert "&lt;!channel&gt;" in reply


def test_thresholds_are_configurable_per_group(group):
    reply = group.say(COACH, "setup reliable-change 6 srs-concern 38 ors-cutoff 28 child-cutoff 30 srs-drop 2")
    assert "ORS clinical cutoff 28 for adults, 28 for adolescents, 30 for children; reliable change ±6" in reply
    assert "SRS alliance concern below 38 or a drop of 2" in reply
    group.say(COACH, "advice <@UALICE> Name the pattern client C9 ors 16")
    reply = group.say(ALICE, "outcome C9 ors 21")
    assert "ORS 16 → 21 (+5) since the advice of" in reply and ": no reliable change" in reply
    assert "below 38" in group.say(ALICE, "outcome C9 srs 37")
    assert "whole number from 1 to 40" in group.say(COACH, "setup reliable-change 0")


def test_the_advice_form_works_for_a_coach_of_two_groups(group, fake_slack):
    group.slack.say(COACH, "CSECOND", "setup")
    group.slack.command(COACH, group.channel, "advice")
    view = fake_slack.wait_for("views.open")[0].args["view"]
    values = state(
        therapist=user_input(ALICE),
        advice=text_input("Go slower"),
        client=text_input(None),
        ors=number_input(None),
        days=number_input(7),
    )
    assert group.slack.submit(COACH, view, values).body == ""
    assert "Go slower" in group.say(ALICE, "status")


def test_recording_by_the_coach_and_refused_to_a_therapist(group):
    reply = group.say(COACH, "recording <@UALICE|alice> client K-7 warm opening")
    assert "Recorded: you reviewed a session recording of <@UALICE>'s (client K-7)." in reply
    refused = group.say(ALICE, "recording <@UBOB|bob>")
    assert (
        "Only this group's coach" in refused
        and "/practice recording @therapist [client &lt;CODE&gt;] [note]" in refused
    )


def test_the_log_form_chooses_the_kind_defaulting_to_what_the_words_tell(group, fake_slack):
    group.slack.command(ALICE, group.channel, "log")
    view = fake_slack.wait_for("views.open")[0].args["view"]
    assert [b["block_id"] for b in view["blocks"]] == ["minutes", "activity", "kind", "not_identifying"]
    [kind] = [b for b in view["blocks"] if b["block_id"] == "kind"]
    assert kind["element"]["initial_option"]["value"] == "from_the_words"
    http = group.slack.submit(
        ALICE, view, state(minutes=number_input(25), activity=text_input("went over a tape"), kind=select("reading"))
    )
    assert http.status == 200 and http.body == ""
    [told] = fake_slack.wait_for("chat.postMessage", channel=ALICE)
    assert "Logged 25 min: went over a tape (reading)" in blocks_text(told.args["blocks"])
    assert "reading 25 min" in group.say(ALICE, "status")
