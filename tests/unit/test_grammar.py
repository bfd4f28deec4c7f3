"""Unit tests for the `/practice` command grammar, as users type the text after `/practice`."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.grammar import (
    DEFAULT_FOLLOW_UP_DAYS,
    USAGE,
    AddHoliday,
    CloseClient,
    DigestRequest,
    GiveAdvice,
    Help,
    Home,
    Join,
    Leave,
    LogPractice,
    MeetingChange,
    ObjectiveHistory,
    OpenAdviceForm,
    OpenLogForm,
    Pause,
    Prepare,
    RecordOutcome,
    ReopenClient,
    ReviewRecording,
    SetClientBand,
    SetObjective,
    Setup,
    ShowCaseload,
    ShowClient,
    Status,
    UsageError,
    WeeklyTime,
    parse,
    user_token,
)
from bot.meetings import Meeting
from bot.outcomes import Band

# Users as front-ends hand them over: each mention translated to a user reference.
U1, U9, U123 = user_token("U1"), user_token("U9"), user_token("U123")


def refused(text: str) -> UsageError:
    with pytest.raises(UsageError) as caught:
        parse(text)
    return caught.value


# Help and unknown subcommands.


@pytest.mark.parametrize("text", ["", "   ", "help", "HELP", "help me please"])
def test_empty_text_or_help_shows_help(text):
    assert parse(text) == Help()


@pytest.mark.parametrize("text", ["frobnicate", "helpme", "joined", "setup-x now"])
def test_unknown_subcommand_is_refused_with_the_help_usage(text):
    error = refused(text)
    assert error.usage == USAGE["help"] == "help"
    assert text.split()[0] in str(error)


def test_subcommand_names_are_case_insensitive():
    assert parse("JOIN") == Join()
    assert parse("Status") == Status()


# setup


def test_setup_without_options_changes_nothing():
    assert parse("setup") == Setup()


def test_setup_digest_time():
    assert parse("setup digest friday 15:00") == Setup(digest=WeeklyTime(4, time(15, 0)))


def test_setup_checkin_time():
    assert parse("setup checkin mon 9:30") == Setup(checkin=WeeklyTime(0, time(9, 30)))


def test_setup_timezone():
    assert parse("setup tz Europe/Berlin") == Setup(timezone="Europe/Berlin")


def test_setup_timezone_is_written_as_the_iana_name():
    assert parse("setup tz europe/berlin") == Setup(timezone="Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("setup tz Europe", "“tz Europe”: “Europe” is a region, not an IANA time zone"),
        ("setup tz America", "“tz America”: “America” is a region, not an IANA time zone"),
        ("setup tz " + "A" * 300, "is not an IANA time zone"),
        ("setup tz Berlin", "“tz Berlin”: “Berlin” is not an IANA time zone"),
    ],
)
def test_setup_with_a_zone_that_is_not_an_iana_zone_says_why(text, complaint):
    error = refused(text)
    assert complaint in str(error)
    assert error.usage == USAGE["setup"]


def test_setup_options_combine_in_any_order():
    expected = Setup(digest=WeeklyTime(4, time(16, 0)), checkin=WeeklyTime(1, time(8, 0)), timezone="America/New_York")
    assert parse("setup tz America/New_York checkin tue 08:00 digest fri 16:00") == expected
    assert parse("setup DIGEST Fri 16:00 Checkin TUESDAY 8:00 TZ America/New_York") == expected


def test_setup_meeting_takes_a_weekday_a_time_and_an_optional_length_or_off():
    assert parse("setup meeting thu 10:00") == Setup(meeting=MeetingChange(Meeting(3, time(10, 0), 90)))
    assert parse("setup Meeting Monday 9:30 120M digest fri 15:00") == Setup(
        digest=WeeklyTime(4, time(15, 0)), meeting=MeetingChange(Meeting(0, time(9, 30), 120))
    )
    assert parse("setup meeting OFF") == Setup(meeting=MeetingChange(None))
    assert parse("setup supervision-feedback named") == Setup(feedback_named=True)
    assert parse("setup supervision-feedback anonymous") == Setup(feedback_named=False)


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("setup meeting", "Write the weekday and time the group meets, like “meeting thu 10:00”, or “meeting off”."),
        ("setup meeting thu", "Write the weekday and time the group meets"),
        ("setup meeting thu 10:00 2h", "“meeting thu 10:00 2h”: “2h” is not a meeting length"),
        ("setup meeting thu 10:00 5m", "write minutes from 15 to 480, like 90m"),
        ("setup meeting thu 10:00 90m meeting fri 10:00", "“meeting” is given twice."),
        ("setup supervision-feedback", "I don't understand “supervision-feedback” in setup."),
        ("setup supervision-feedback public", "Say “supervision-feedback anonymous” (the default)"),
    ],
)
def test_a_bad_meeting_setting_says_what_was_wrong_with_the_setup_usage(text, complaint):
    error = refused(text)
    assert complaint in str(error)
    assert error.usage == USAGE["setup"] and "meeting <weekday> <HH:MM> [<N>m]|off" in error.usage


@pytest.mark.parametrize(
    "text", ["setup digest", "setup digest fri", "setup tz", "setup weekly fri 15:00", "setup fri 15:00"]
)
def test_setup_with_missing_or_unknown_parts_is_refused(text):
    error = refused(text)
    assert "in setup" in str(error)
    assert error.usage == USAGE["setup"]


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("setup digest someday 15:00", "is not a weekday"),
        ("setup checkin mon 25:00", "is not a time of day"),
        ("setup digest fri 3pm", "is not a time of day"),
        ("setup hours 17:00-09:00", "the start must come before the end"),
        ("setup days mon-xyz", "is not a weekday"),
        ("setup ors-cutoff 99", "The ORS clinical cutoff (ors-cutoff) must be a whole number from 0 to 40"),
        ("setup child-cutoff 41", "clinical cutoff for children (child-cutoff) must be a whole number from 0 to 40"),
        ("setup adolescent-cutoff x", "(adolescent-cutoff) must be a whole number from 0 to 40"),
        ("setup on-track-session 0", "(on-track-session) must be a whole number from 1 to 99"),
        ("setup on-track-weeks 53", "(on-track-weeks) must be a whole number from 1 to 52"),
        ("setup watch-session 100", "(watch-session) must be a whole number from 1 to 99"),
        ("setup srs-drop 0", "(srs-drop) must be a whole number from 1 to 40"),
    ],
)
def test_setup_with_a_bad_value_says_why_and_for_which_option(text, complaint):
    error = refused(text)
    assert str(error).startswith(f"“{text.removeprefix('setup ')}”: ")
    assert complaint in str(error)
    assert error.usage == USAGE["setup"]


def test_setup_sets_each_outcome_threshold():
    text = (
        "setup ors-cutoff 24 child-cutoff 30 adolescent-cutoff 27 reliable-change 6 on-track-session 8"
        " on-track-weeks 10 watch-session 4 srs-concern 35 srs-drop 2"
    )
    assert parse(text) == Setup(
        ors_clinical_cutoff=24,
        child_cutoff=30,
        adolescent_cutoff=27,
        ors_reliable_change=6,
        on_track_session=8,
        on_track_weeks=10,
        watch_session=4,
        srs_alliance_concern=35,
        srs_drop=2,
    )


# join, leave, status, home


@pytest.mark.parametrize(
    ("text", "command"), [("join", Join()), ("leave", Leave()), ("status", Status()), ("home", Home())]
)
def test_commands_without_arguments(text, command):
    assert parse(text) == command


@pytest.mark.parametrize("name", ["join", "leave", "status", "home"])
def test_commands_without_arguments_refuse_extra_words(name):
    error = refused(f"{name} the group now")
    assert str(error) == f"`{name}` takes no arguments, but got “the group now”."
    assert error.usage == USAGE[name]


# objective


def test_objective_without_text_opens_the_form():
    assert parse("objective") == SetObjective(None)


def test_objective_with_text_keeps_the_text():
    assert parse("objective  notice   ruptures earlier") == SetObjective("notice ruptures earlier")


def test_objective_history_alone_asks_for_the_history_and_in_a_sentence_is_text():
    assert parse("objective History") == ObjectiveHistory()
    assert parse("objective history of ruptures") == SetObjective("history of ruptures")


def test_objective_of_300_characters_is_accepted():
    assert parse("objective " + "o" * 300) == SetObjective("o" * 300)


def test_objective_over_300_characters_is_refused_naming_the_limit():
    error = refused("objective " + "o" * 301)
    assert "keep it to 300" in str(error)
    assert error.usage == USAGE["objective"]


# advice


def test_advice_without_arguments_opens_the_form():
    assert parse("advice") == OpenAdviceForm()


@pytest.mark.parametrize("user_id", ["U123", "first.last", "W0_9-x"])
def test_advice_to_a_mentioned_therapist_with_default_follow_up(user_id):
    assert parse(f"advice {user_token(user_id)} ask about sleep") == GiveAdvice(
        therapist_id=user_id, text="ask about sleep", follow_up_days=DEFAULT_FOLLOW_UP_DAYS
    )


def test_advice_with_every_option_at_the_end():
    assert parse(f"advice {U123} Try two-chair work client C3 ors 18 in 3 days") == GiveAdvice(
        therapist_id="U123", text="Try two-chair work", client_code="C3", baseline_ors=18, follow_up_days=3
    )


@pytest.mark.parametrize(
    ("option", "field", "value"),
    [
        ("client c12", "client_code", "C12"),
        ("Client C4", "client_code", "C4"),
        ("client: C4", "client_code", "C4"),
        ("client:C4", "client_code", "C4"),
        ("CLIENT: k-7", "client_code", "K-7"),
        ("client 7", "client_code", "7"),
        ("ors 40", "baseline_ors", 40),
        ("ORS 0", "baseline_ors", 0),
        ("ors: 18", "baseline_ors", 18),
        ("ors:18", "baseline_ors", 18),
        ("in 3w", "follow_up_days", 21),
        ("in 3d", "follow_up_days", 3),
        ("in 3 days", "follow_up_days", 3),
        ("in 1 day", "follow_up_days", 1),
        ("in 2 weeks", "follow_up_days", 14),
        ("In 2 Weeks", "follow_up_days", 14),
        ("in: 3 days", "follow_up_days", 3),
        ("in:10d", "follow_up_days", 10),
        ("in two weeks", "follow_up_days", 14),
        ("in Three days", "follow_up_days", 3),
        ("in one week", "follow_up_days", 7),
        ("in a week", "follow_up_days", 7),
        ("in a fortnight", "follow_up_days", 14),
        ("in: two weeks", "follow_up_days", 14),
    ],
)
def test_advice_option_in_every_form_it_is_typed(option, field, value):
    advice = parse(f"advice {U1} try silence {option}")
    assert advice.text == "try silence"
    assert getattr(advice, field) == value


@pytest.mark.parametrize(
    "text",
    [
        "client C3 ors 18 in 3 days try two-chair work",
        "try client C3 two-chair ors 18 work in 3 days",
        "in 3 days try two-chair ors: 18 work client: C3",
        "try two-chair work in:3d client:C3 ors:18",
        "in three days, try two-chair work client C3 ors 18",
        "try two-chair work in three days client C3 ors 18",
    ],
)
def test_advice_options_may_come_anywhere_after_the_mention(text):
    assert parse(f"advice {U9} {text}") == GiveAdvice(
        therapist_id="U9", text="try two-chair work", client_code="C3", baseline_ors=18, follow_up_days=3
    )


@pytest.mark.parametrize(
    ("text", "prose", "options"),
    [
        ("try silence, in 2 weeks.", "try silence,", {"follow_up_days": 14}),
        ("with client C3, try silence", "with try silence", {"client_code": "C3"}),
        ("try silence (ors: 18; in 3d).", "try silence (ors: 18; in 3d).", {}),
        ("try silence, ors 18, client C3.", "try silence,", {"client_code": "C3", "baseline_ors": 18}),
    ],
)
def test_advice_option_values_may_end_a_clause_or_sentence(text, prose, options):
    advice = parse(f"advice {U1} {text}")
    assert (advice.text, {name: getattr(advice, name) for name in options}) == (prose, options)


@pytest.mark.parametrize(
    "text",
    [
        "Let the client lead",
        "stay in the moment",
        "reflect more in session",
        "check in often",
        "ask the client in session 3 about sleep",
        "the client in question needs pacing",
        "work in 1:1 sessions, not groups",
        "meet the client where they are",
        "name the rupture in the next session",
        "a client-centred stance, in 50% of the session",
        "Track the ORS weekly",
        "use the ors at every session",
        "work in two sessions on the rupture",
        "practise in a day hospital setting",
        "name it in a week of hard sessions",
        "in one session, slow down",
    ],
)
def test_advice_prose_with_option_like_words_stays_advice_text(text):
    assert parse(f"advice {U1} {text}") == GiveAdvice(therapist_id="U1", text=text)


@pytest.mark.parametrize(
    ("options", "typed", "complaint"),
    [
        ("ors 50", "ors 50", "The baseline ORS must be from 0 to 40; 50 is out of range."),
        ("ors 41", "ors 41", "The baseline ORS must be from 0 to 40"),
        ("ors -1", "ors -1", "The baseline ORS must be a number from 0 to 40 with at most one decimal place"),
        ("ors 4.55", "ors 4.55", "The baseline ORS must be a number from 0 to 40"),
        ("ors: x", "ors: x", "The baseline ORS must be a number"),
        ("ors eighteen", "ors eighteen", "The baseline ORS must be a number"),
        ("in 3 dayz", "in 3 dayz", "is not a number of days or weeks"),
        ("in 3 sessions", "in 3 sessions", "is not a number of days or weeks"),
        ("in 2m", "in 2m", "is not a number of days or weeks"),
        ("in: soon", "in: soon", "is not a number of days or weeks"),
        ("in 500d", "in 500d", "The follow-up must be 1 to 365 days away; “500d” is 500 days."),
        ("in 0d", "in 0d", "The follow-up must be 1 to 365 days away"),
        ("in 60 weeks", "in 60 weeks", "The follow-up must be 1 to 365 days away"),
        ("in two months", "in two months", "is not a number of days or weeks"),
        ("in a month.", "in a month.", "is not a number of days or weeks"),
        ("in thirty fortnights", "in thirty fortnights", "The follow-up must be 1 to 365 days away"),
        ("client: JS", "client: JS", "must contain at least one digit"),
        ("client:smith", "client: smith", "looks like a name"),
        ("client Anna1", "client Anna1", "looks like a name"),
        ("client JD-1980", "client JD-1980", "contains a year"),
        ("client C_12", "client C_12", "is not a client code"),
    ],
)
def test_advice_option_with_a_bad_value_is_refused_naming_the_option(options, typed, complaint):
    for text in (f"try silence {options}", f"try {options} silence"):
        error = refused(f"advice {U1} {text}")
        assert str(error).startswith(f"“{typed}”: ")
        assert complaint in str(error)
        assert error.usage == USAGE["advice"]


@pytest.mark.parametrize(("options", "form"), [("ors:", "ors 18"), ("client:", "client C12"), ("in:", "in 10d")])
def test_advice_option_without_its_value_is_refused_with_its_form(options, form):
    error = refused(f"advice {U1} try silence {options}")
    assert str(error).startswith(f"“{options}” needs a value")
    assert f"`{form}" in str(error)
    assert error.usage == USAGE["advice"]


def test_advice_usage_shows_every_option_form():
    assert USAGE["advice"] == (
        "advice @therapist <text> [client <CODE>] [ors <0-40>] [in <N>d|<N>w|<N> days|<N> weeks]"
    )


@pytest.mark.parametrize("first", ["@ann", "U123", "ann", "<#C123>", "<@>", "<@U123"])
def test_advice_without_a_mention_first_is_refused(first):
    error = refused(f"advice {first} ask about sleep")
    assert "@mention" in str(error)
    assert first in str(error)
    assert error.usage == USAGE["advice"]


def test_advice_with_a_mention_but_no_text_is_refused():
    error = refused(f"advice {U123}")
    assert str(error) == "The advice text is missing."
    assert error.usage == USAGE["advice"]


@pytest.mark.parametrize(
    "text",
    [
        "tip client C1 client C2",
        "tip ors 3 ors 4",
        "tip in 2w in 3d",
        "tip in 2w ors 5 IN 3 days",
        "client: C1 tip client C1",
        "in 2w tip in:2w",
    ],
)
def test_advice_option_given_twice_is_refused(text):
    error = refused(f"advice {U1} {text}")
    assert "is given twice" in str(error)
    assert error.usage == USAGE["advice"]


def test_advice_of_500_characters_is_accepted():
    assert parse(f"advice {U1} " + "a" * 500).text == "a" * 500


def test_advice_over_500_characters_is_refused_naming_the_limit():
    error = refused(f"advice {U1} " + "a" * 501 + " in 2w")
    assert "keep it to 500" in str(error)
    assert error.usage == USAGE["advice"]


# outcome


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("outcome C12 ors 25", RecordOutcome("C12", "ors", Decimal(25))),
        ("outcome c12 SRS 40", RecordOutcome("C12", "srs", Decimal(40))),
        ("OUTCOME k-7 Ors 0", RecordOutcome("K-7", "ors", Decimal(0))),
        ("outcome C12 ors 18.5", RecordOutcome("C12", "ors", Decimal("18.5"))),
        ("outcome C12 ors 18.5 session 1", RecordOutcome("C12", "ors", Decimal("18.5"), session=1)),
        ("outcome C12 ors 17 intake", RecordOutcome("C12", "ors", Decimal(17), intake=True)),
        ("outcome C12 ors 17 Session 2 INTAKE", RecordOutcome("C12", "ors", Decimal(17), session=2, intake=True)),
        ("outcome C12 ors 17 intake session 2", RecordOutcome("C12", "ors", Decimal(17), session=2, intake=True)),
        ("outcome C12 srs 35.9 session 4", RecordOutcome("C12", "srs", Decimal("35.9"), session=4)),
    ],
)
def test_outcome_records_a_score_for_a_normalised_code(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize("text", ["outcome", "outcome C12", "outcome C12 ors"])
def test_outcome_with_too_few_words_is_refused(text):
    error = refused(text)
    assert "takes a client code, ors or srs, and a score" in str(error)
    assert error.usage == USAGE["outcome"] == "outcome <CODE> ors|srs <0-40> [session <N>] [intake]"


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("outcome C12 phq 20", "must be ors or srs"),
        ("outcome John ors 20", "looks like a name"),
        ("outcome C.12 ors 20", "is not a client code"),
        ("outcome C12 srs 41", "SRS score must be from 0 to 40"),
        ("outcome C12 ors 3.55", "ORS score must be a number from 0 to 40 with at most one decimal place"),
        ("outcome C12 ors x", "ORS score must be a number"),
        ("outcome JS ors 20", "must contain at least one digit"),
        ("outcome JD-1980 ors 20", "contains a year"),
        ("outcome Anna1 ors 20", "looks like a name"),
        ("outcome C12 ors 20 extra", "I don't understand “extra” after the score"),
        ("outcome C12 ors 20 session", "“session” needs the session's number"),
        ("outcome C12 ors 20 session one", "“session one”: The session number must be a whole number from 1 to 999"),
        ("outcome C12 ors 20 session 0", "session number must be a whole number from 1 to 999"),
        ("outcome C12 ors 20 session 2 session 3", "`session` is given twice"),
        ("outcome C12 ors 20 intake intake", "`intake` is given twice"),
        ("outcome C12 srs 38 intake", "Only an ORS marks the intake"),
    ],
)
def test_outcome_with_a_bad_part_says_why(text, complaint):
    error = refused(text)
    assert complaint in str(error)
    assert error.usage == USAGE["outcome"]


# client, caseload


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("client c12", ShowClient("C12")),
        (f"client C12 {U9}", ShowClient("C12", "U9")),
        ("client C12 band child", SetClientBand("C12", Band.CHILD)),
        ("client C12 BAND Adolescent", SetClientBand("C12", Band.ADOLESCENT)),
        ("client k-7 band adult", SetClientBand("K-7", Band.ADULT)),
        ("client C12 close", CloseClient("C12")),
        ("client C12 Reopen", ReopenClient("C12")),
        ("caseload", ShowCaseload()),
        (f"caseload {U9}", ShowCaseload("U9")),
    ],
)
def test_client_and_caseload(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("client", "`client` takes a client code"),
        ("client Peter", "looks like a name"),
        ("client JD-1980 close", "contains a year"),
        ("client C12 band teen", "“band teen”: “teen” is not an age band: use child, adolescent, adult"),
        ("client C12 band", "I don't understand “band” after the client code"),
        ("client C12 close now", "I don't understand “close now” after the client code"),
        (f"client C12 {U9} {U1}", "I don't understand “@U9 @U1” after the client code"),
        ("client C12 age 14", "I don't understand “age 14”"),
    ],
)
def test_client_with_a_bad_part_says_why(text, complaint):
    error = refused(text)
    assert complaint in str(error)
    assert error.usage == USAGE["client"] == "client <CODE> [band child|adolescent|adult|close|reopen|@therapist]"


@pytest.mark.parametrize("text", ["caseload bob", f"caseload {U9} {U1}", "caseload all"])
def test_caseload_of_someone_needs_one_mention(text):
    error = refused(text)
    assert "Name the therapist whose caseload you mean as an @mention" in str(error)
    assert error.usage == USAGE["caseload"] == "caseload [@therapist]"


# log


def test_log_minutes_and_activity():
    assert parse("log 30 reviewed a  session recording") == LogPractice(30, "reviewed a session recording")


def test_log_with_nothing_after_it_opens_the_form():
    assert parse("log") == OpenLogForm()


@pytest.mark.parametrize("text", ["log 30", "log reviewed"])
def test_log_without_minutes_and_activity_is_refused(text):
    error = refused(text)
    assert "takes the minutes, then what you practised" in str(error)
    assert error.usage == USAGE["log"]


@pytest.mark.parametrize("minutes", ["0", "601", "ten", "-5", "1.5"])
def test_log_with_bad_minutes_is_refused(minutes):
    error = refused(f"log {minutes} roleplay")
    assert "number of minutes must be a whole number from 1 to 600" in str(error)


def test_log_activity_over_200_characters_is_refused():
    error = refused("log 20 " + "r" * 201)
    assert "keep it to 200" in str(error)


# digest


@pytest.mark.parametrize(("text", "post"), [("digest preview", False), ("digest post", True), ("digest POST", True)])
def test_digest_preview_or_post(text, post):
    assert parse(text) == DigestRequest(post=post)


@pytest.mark.parametrize("text", ["digest", "digest now", "digest post preview"])
def test_digest_needs_exactly_preview_or_post(text):
    error = refused(text)
    assert "digest preview" in str(error) and "digest post" in str(error)
    assert error.usage == USAGE["digest"]


# pause, holiday


@pytest.mark.parametrize(
    ("text", "days"), [("pause 10d", 10), ("pause 2w", 14), ("pause 2 weeks", 14), ("pause 3 days", 3)]
)
def test_pause_for_days_or_weeks(text, days):
    assert parse(text) == Pause(days)


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("pause 500d", "The pause must be 1 to 365 days long; “500d” is 500 days."),
        ("pause 0w", "The pause must be 1 to 365 days long"),
        ("pause soon", "is not a number of days or weeks"),
        ("pause", "Say how long to pause"),
        ("pause 2 weeks now", "Say how long to pause"),
    ],
)
def test_pause_with_a_bad_length_says_why(text, complaint):
    error = refused(text)
    assert complaint in str(error)
    assert "follow-up" not in str(error)
    assert error.usage == USAGE["pause"]


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("holiday 2026-13-01", "“2026-13-01” is not a day: there is no month 13."),
        ("holiday 2026-02-29", "February 2026 has 28 days"),
        ("holiday 9999-12-31", "must fall in the years 2000 to 2099"),
        ("holiday 9999-12-30..9999-12-31", "must fall in the years 2000 to 2099"),
        ("holiday xmas", "write 2026-12-24 or 2026-12-24..2027-01-01"),
    ],
)
def test_holiday_with_a_bad_day_says_why(text, complaint):
    error = refused(text)
    assert complaint in str(error)
    assert error.usage == USAGE["holiday"]


def test_holiday_of_one_day_or_a_range():
    assert parse("holiday 2026-12-24..2026-12-26") == AddHoliday(date(2026, 12, 24), date(2026, 12, 26))


# Every input either parses or is refused with a usable explanation.

GRAMMAR_WORDS = [
    "help",
    "setup",
    "digest",
    "checkin",
    "tz",
    "join",
    "leave",
    "objective",
    "advice",
    "client",
    "ors",
    "srs",
    "in",
    "outcome",
    "log",
    "status",
    "preview",
    "post",
    "monday",
    "Fri",
    "sun",
    "15:00",
    "9:30",
    "24:00",
    "Europe/Paris",
    U123,
    U9,
    "<@U9>",
    "<@>",
    "C12",
    "c12",
    "K-7",
    "John",
    "smith",
    "0",
    "40",
    "41",
    "-1",
    "3.5",
    "10d",
    "2w",
    "0d",
    "999w",
    "600",
    "601",
]
# Digits with an optional unit or colon and more digits, as r"[0-9]{1,4}[dw:]?[0-9]{0,2}" would
# give, built from parts: drawing from a regex costs Hypothesis ten times as much.
DIGITS = st.text("0123456789", min_size=1, max_size=4)
NUMBER_LIKE = st.builds(
    "".join, st.tuples(DIGITS, st.sampled_from(["", "d", "w", ":"]), st.text("0123456789", max_size=2))
)
TOKENS = st.one_of(
    st.sampled_from(GRAMMAR_WORDS),
    st.text(min_size=1, max_size=8),
    NUMBER_LIKE,
)
GRAMMAR_TEXT = st.lists(TOKENS, max_size=10).map(" ".join)


def assert_parses_or_explains(text: str) -> None:
    try:
        parse(text)
    except UsageError as error:
        assert str(error)
        assert error.usage in USAGE.values()


@settings(max_examples=1000, deadline=None)
@given(st.text())
def test_any_text_parses_or_is_refused_with_usage(text):
    assert_parses_or_explains(text)


@settings(max_examples=1000, deadline=None)
@given(GRAMMAR_TEXT)
def test_text_from_grammar_words_parses_or_is_refused_with_usage(text):
    assert_parses_or_explains(text)


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(sorted(USAGE)), GRAMMAR_TEXT)
def test_every_subcommand_with_random_arguments_parses_or_is_refused_with_usage(name, arguments):
    assert_parses_or_explains(f"{name} {arguments}")


@pytest.mark.parametrize("options", ["client C12 ors 20", "ors 20", "in 2w", "in: 3 days client: C4"])
def test_advice_with_options_but_no_text_is_refused(options):
    assert str(refused(f"advice {U1} {options}")) == "The advice text is missing."


def test_setup_option_given_twice_is_refused():
    error = refused("setup digest mon 09:00 digest tue 10:00")
    assert "is given twice" in str(error)


def test_prep_takes_one_client_code():
    assert parse("prep C12") == Prepare("C12")
    for text in ("prep", "prep C12 now"):
        assert "takes one client code" in str(refused(text)) and refused(text).usage == "prep <CODE>"
    assert "contains a year" in str(refused("prep JD-1980"))


def test_recording_names_the_therapist_with_a_client_code_and_a_note_anywhere():
    assert parse(f"recording {U1}") == ReviewRecording("U1")
    assert parse(f"recording {U1} client C12") == ReviewRecording("U1", "C12")
    assert parse(f"recording {U1} the client led; strong opening client: c7") == ReviewRecording(
        "U1", "C7", "the client led; strong opening"
    )
    assert parse(f"recording {U1} warm, but rushed the ending") == ReviewRecording(
        "U1", None, "warm, but rushed the ending"
    )


def test_recording_without_a_therapist_or_with_a_bad_code_is_refused_with_usage():
    for text in ("recording", "recording alice client C12"):
        assert "as an @mention" in str(refused(text))
        assert refused(text).usage == "recording @therapist [client <CODE>] [note]"
    assert "contains a year" in str(refused(f"recording {U1} client JD-1980"))
    assert "keep it to" in str(refused(f"recording {U1} " + "long " * 400))
