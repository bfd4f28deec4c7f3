"""A therapist's clients through the Slack front-end: scores to one decimal place with sessions
and an intake mark, the flags a score raises said back at once, `client` and `caseload`, who
may see whose clients, and the follow-up form's session and intake fields."""

from __future__ import annotations

import re

from testkit.slack_driver import number_input, state, text_input
from tests.steps import dms_with, next_weekday

ALICE, BOB, COACH = "UALICE", "UBOB", "UCOACH"
A_DAY = r"\w{3} \d{1,2} \w{3}"  # "Tue 1 Dec"
DAY = r"\d{1,2} \w{3}"  # "1 Dec"


def test_a_client_without_advice_who_deteriorates_is_flagged_to_the_therapist_at_once(group):
    first = group.say(ALICE, "outcome C12 ors 30 session 1")
    assert first == "Recorded ORS 30 for C12 (session 1)."
    assert "⚠️" not in group.say(ALICE, "outcome C12 ors 27 session 2")

    reply = group.say(ALICE, "outcome C12 ors 14 session 3")

    assert re.search(rf"⚠️ ORS 30 → 14 since intake on {DAY}: reliable deterioration", reply), reply
    assert re.search(
        rf"\*Trajectory:\* ORS 30 \(intake, {DAY}, session 1\) · 27 \({DAY}, session 2\) · 14 \({DAY}, session 3\)",
        reply,
    ), reply
    assert "/practice client C12" in reply


def test_scores_take_one_decimal_place_and_say_what_is_wrong_otherwise(group):
    assert group.say(ALICE, "outcome C12 ors 18.5 session 1 intake") == "Recorded ORS 18.5 for C12 (session 1, intake)."
    assert group.say(ALICE, "outcome C12 srs 37,5") == "Recorded SRS 37.5 for C12."
    refused = group.say(ALICE, "outcome C12 ors 18.55")
    assert "The ORS score must be a number from 0 to 40 with at most one decimal place" in refused
    assert "*Usage:* `/practice outcome &lt;CODE&gt; ors|srs &lt;0-40&gt; [session &lt;N&gt;] [intake]`" in refused
    assert "Only an ORS marks the intake" in group.say(ALICE, "outcome C12 srs 38 intake")


def test_srs_flags_a_concern_below_36_and_a_drop_of_one_point(group):
    assert "⚠️" not in group.say(ALICE, "outcome C3 srs 36")
    assert "below 36, alliance concern" in group.say(ALICE, "outcome C3 srs 35.9")
    assert "⚠️" not in group.say(ALICE, "outcome C3 srs 38")
    dropped = group.say(ALICE, "outcome C3 srs 37")
    assert re.search(rf"⚠️ SRS 38 → 37 on {DAY}: a drop of 1 from the previous SRS", dropped), dropped
    assert "alliance concern" not in dropped


def test_the_client_view_shows_the_trajectory_classification_advice_and_flags(group):
    group.say(COACH, "advice <@UALICE> Name the rupture out loud client C12 ors 14")
    group.say(ALICE, "outcome C12 ors 30 session 1 intake")
    group.say(ALICE, "outcome C12 srs 34 session 1")
    group.say(ALICE, "outcome C12 ors 31 session 2")

    view = group.say(ALICE, "client C12")

    assert "*Client C12*" in view and "*Age band:* adult (clinical cutoff 25)" in view
    assert "*Treatment:* active" in view
    assert re.search(rf"ORS 14 \({DAY}\) · 30 \(intake, {DAY}, session 1\) · 31 \({DAY}, session 2\)", view), view
    assert re.search(rf"SRS 34 \({DAY}, session 1\)", view)
    # From intake, +1; from the advice's low baseline, +17, which is never called clinically significant.
    assert re.search(rf"ORS 30 → 31 \(\+1\): no reliable change \(intake {A_DAY}\)", view), view
    assert re.search(
        rf"Name the rupture out loud — awaiting its follow-up; ORS 14 → 31 \(\+17\) since the advice of {DAY}:"
        " reliable improvement",
        view,
    ), view
    assert "clinically significant" not in view
    assert re.search(rf"⚠️ SRS 34 on {DAY}: below 36, alliance concern", view)


def test_the_age_band_sets_the_clinical_cutoff(group):
    group.say(ALICE, "outcome C5 ors 24")
    group.say(ALICE, "outcome C5 ors 30")
    assert "ORS 24 → 30 (+6): reliable improvement, clinically significant" in group.say(ALICE, "client C5")

    assert group.say(ALICE, "client C5 band child") == "C5 is now in the child band: clinical cutoff 32."

    view = group.say(ALICE, "client C5")
    assert "*Age band:* child (clinical cutoff 32)" in view
    assert "ORS 24 → 30 (+6): reliable improvement (intake" in view
    assert "adolescent band: clinical cutoff 28" in group.say(ALICE, "client C5 band adolescent")
    assert "is not an age band: use child, adolescent, adult" in group.say(ALICE, "client C5 band teen")


def test_closing_a_client_keeps_its_record_and_reopening_brings_it_back(group):
    group.say(ALICE, "outcome C1 ors 20")
    group.say(ALICE, "outcome C2 ors 22")
    assert "*Active clients:* 2 (closed: 0)" in group.say(ALICE, "caseload")

    assert "Closed C1: treatment ended" in group.say(ALICE, "client C1 close")
    assert "*Active clients:* 1 (closed: 1)" in group.say(ALICE, "caseload")
    assert "*Treatment:* closed (treatment ended" in group.say(ALICE, "client C1")
    refused = group.say(ALICE, "outcome C1 ors 25")
    assert "C1 is closed (treatment ended" in refused and "nothing was recorded" in refused
    assert "`/practice client C1 reopen`" in refused
    assert "already closed" in group.say(ALICE, "client C1 close")

    assert "Reopened C1" in group.say(ALICE, "client C1 reopen")
    assert "*Active clients:* 2 (closed: 0)" in group.say(ALICE, "caseload")
    assert group.say(ALICE, "outcome C1 ors 25") == "Recorded ORS 25 for C1."
    assert "already open" in group.say(ALICE, "client C1 reopen")


def test_an_unknown_client_is_refused_with_how_to_start_one(group):
    for text in ("client C99", "client C99 close", "client C99 reopen"):
        reply = group.say(ALICE, text)
        assert "You have no client C99 in this group" in reply and "`outcome C99 ors 18`" in reply, text
        assert "*Usage:* `/practice client &lt;CODE&gt;" in reply


def test_a_therapist_sees_only_their_own_clients_and_the_coach_sees_a_members(group):
    group.say(ALICE, "outcome C12 ors 30")
    group.say(ALICE, "outcome C12 ors 20")
    assert "ORS 30 → 20" in group.say(ALICE, "client C12")

    assert "You have no client C12" in group.say(BOB, "client C12")  # codes are per caseload
    for text in ("client C12 <@UALICE>", "caseload <@UALICE>"):
        refused = group.say(BOB, text)
        assert "Only this group's coach (<@UCOACH>) can see another therapist's clients." in refused, text
        assert "ORS 30" not in refused

    coach_view = group.say(COACH, "client C12 <@UALICE>")
    assert "*Therapist:* <@UALICE>" in coach_view and "ORS 30 → 20 (-10): reliable deterioration" in coach_view
    caseload = group.say(COACH, "caseload <@UALICE>")
    assert "*Therapist:* <@UALICE>" in caseload and "• C12: ORS 30 → 20 (-10), reliable deterioration" in caseload
    assert "<@UBOB> has no client C12" in group.say(COACH, "client C12 <@UBOB>")
    assert "You haven't joined this group as a therapist" in group.say(COACH, "caseload")


def test_the_caseload_counts_and_shows_a_mean_change_only_from_five_clients(group):
    for code, (intake, latest) in {"C1": (20, 26), "C2": (20, 21), "C3": (30, 20), "C4": (15, 15.5)}.items():
        group.say(ALICE, f"outcome {code} ors {intake}")
        group.say(ALICE, f"outcome {code} ors {latest}")
    group.say(ALICE, "outcome C6 ors 18")  # an intake only
    group.say(ALICE, "outcome C6 srs 30")

    four = group.say(ALICE, "caseload")
    assert "*Active clients:* 5 (closed: 0)" in four
    assert "1 reliably improved, 2 unchanged, 1 deteriorated, 1 with no ORS after intake yet" in four
    assert "1 with alliance concerns or drops" in four
    assert "not shown below 5 clients with an ORS after intake (4 so far)" in four
    assert "• C6: intake only · ⚠️ alliance concern" in four

    group.say(ALICE, "outcome C6 ors 20.5")
    five = group.say(ALICE, "caseload")
    # (+6 +1 -10 +0.5 +2.5) / 5 = 0
    assert "*Mean change from intake:* +0 ORS points, unadjusted, over 5 clients" in five


def test_client_and_caseload_refuse_bad_input_with_their_usage(group):
    reply = group.say(ALICE, "client")
    assert "`client` takes a client code" in reply
    assert "*Usage:* `/practice client &lt;CODE&gt; [band child|adolescent|adult|close|reopen|@therapist]`" in reply
    assert "looks like a name" in group.say(ALICE, "client Peter")
    assert "I don't understand “age 14” after the client code" in group.say(ALICE, "client C12 age 14")
    reply = group.say(ALICE, "caseload everyone")
    assert "Name the therapist whose caseload you mean" in reply and "`/practice caseload [@therapist]`" in reply


def test_the_follow_up_form_takes_decimal_scores_a_session_and_the_intake_mark(bot, group, fake_slack):
    group.say(COACH, "advice <@UALICE> Name the rupture client C12 ors 30 in 1d")
    bot.tick(next_weekday(0, 16, weeks_ahead=5).isoformat())
    [follow_up] = dms_with(fake_slack, ALICE, "follow_up:applied")
    group.slack.click(ALICE, {**follow_up, "channel": "DALICE"}, "follow_up:applied")
    view = fake_slack.wait_for("views.open")[-1].args["view"]
    elements = {block["block_id"]: block["element"] for block in view["blocks"] if "element" in block}
    assert elements["ors"]["is_decimal_allowed"] is True and elements["session"]["is_decimal_allowed"] is False

    reply = group.slack.submit(
        ALICE,
        view,
        state(
            learning=text_input("Naming it helped"),
            ors=number_input("23.5"),
            srs=number_input("35.5"),
            session=number_input(4),
            intake={"type": "checkboxes", "selected_options": [{"value": "yes"}]},
        ),
    )

    assert reply.status == 200 and reply.body == ""
    client = group.say(ALICE, "client C12")
    assert re.search(rf"ORS 30 \({DAY}\) · 23.5 \(intake, {DAY}, session 4\); SRS 35.5 \({DAY}, session 4\)", client), (
        client
    )
    assert "Intake ORS 23.5; no later ORS yet." in client
    assert "Naming it helped" in client and "— applied" in client
    [redrawn] = [c.args for c in fake_slack.calls_to("chat.update")]
    assert "SRS 35.5 on" in str(redrawn) and "below 36, alliance concern" in str(redrawn)


def test_the_client_view_on_slack_states_its_chart_in_words_until_charts_are_uploaded(group):
    group.say(ALICE, "outcome C12 ors 30 session 1")
    group.say(ALICE, "outcome C12 ors 14 session 2")
    http, name = group.slack.command(ALICE, "CGROUP", "client C12")
    assert http.status == 200, http
    [reply] = group.slack.replies(name)
    contexts = [block for block in reply["blocks"] if block["type"] == "context"]
    assert len(contexts) == 1, reply["blocks"]
    [element] = contexts[0]["elements"]
    assert element["type"] == "mrkdwn" and element["text"].startswith(":bar_chart: Client C12's scores: ORS 30 (intake")
    assert "Flags: reliable deterioration." in element["text"]
