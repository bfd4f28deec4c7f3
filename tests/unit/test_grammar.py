"""Unit tests for the `/practice` command grammar, as users type the text after `/practice`."""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.grammar import (
    DEFAULT_FOLLOW_UP_DAYS,
    USAGE,
    DigestRequest,
    GiveAdvice,
    Help,
    Join,
    Leave,
    LogPractice,
    OpenAdviceForm,
    RecordOutcome,
    SetObjective,
    Setup,
    Status,
    UsageError,
    WeeklyTime,
    parse,
)


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
    assert error.usage == USAGE["help"] == "/practice help"
    assert text.split()[0] in error.message


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


def test_setup_options_combine_in_any_order():
    expected = Setup(digest=WeeklyTime(4, time(16, 0)), checkin=WeeklyTime(1, time(8, 0)), timezone="America/New_York")
    assert parse("setup tz America/New_York checkin tue 08:00 digest fri 16:00") == expected
    assert parse("setup DIGEST Fri 16:00 Checkin TUESDAY 8:00 TZ America/New_York") == expected


@pytest.mark.parametrize(
    "text", ["setup digest", "setup digest fri", "setup tz", "setup weekly fri 15:00", "setup fri 15:00"]
)
def test_setup_with_missing_or_unknown_parts_is_refused(text):
    error = refused(text)
    assert "in setup" in error.message
    assert error.usage == USAGE["setup"]


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("setup digest someday 15:00", "is not a weekday"),
        ("setup checkin mon 25:00", "is not a time of day"),
        ("setup digest fri 3pm", "is not a time of day"),
    ],
)
def test_setup_with_a_bad_weekday_or_time_says_why(text, complaint):
    error = refused(text)
    assert complaint in error.message
    assert error.usage == USAGE["setup"]


# join, leave, status


@pytest.mark.parametrize(("text", "command"), [("join", Join()), ("leave", Leave()), ("status", Status())])
def test_commands_without_arguments(text, command):
    assert parse(text) == command


@pytest.mark.parametrize("name", ["join", "leave", "status"])
def test_commands_without_arguments_refuse_extra_words(name):
    error = refused(f"{name} the group now")
    assert error.message == f"`{name}` takes no arguments, but got “the group now”."
    assert error.usage == USAGE[name]


# objective


def test_objective_without_text_opens_the_form():
    assert parse("objective") == SetObjective(None)


def test_objective_with_text_keeps_the_text():
    assert parse("objective  notice   ruptures earlier") == SetObjective("notice ruptures earlier")


def test_objective_of_300_characters_is_accepted():
    assert parse("objective " + "o" * 300) == SetObjective("o" * 300)


def test_objective_over_300_characters_is_refused_naming_the_limit():
    error = refused("objective " + "o" * 301)
    assert "keep it to 300" in error.message
    assert error.usage == USAGE["objective"]


# advice


def test_advice_without_arguments_opens_the_form():
    assert parse("advice") == OpenAdviceForm()


@pytest.mark.parametrize("mention", ["<@U123|name>", "<@U123>", "<@U123|first.last>"])
def test_advice_to_a_mentioned_therapist_with_default_follow_up(mention):
    assert parse(f"advice {mention} ask about sleep") == GiveAdvice(
        therapist_id="U123", text="ask about sleep", follow_up_days=DEFAULT_FOLLOW_UP_DAYS
    )


def test_advice_with_every_trailing_option():
    assert parse("advice <@U123|ann> slow down client C12 ors 18 in 10d") == GiveAdvice(
        therapist_id="U123", text="slow down", client_code="C12", baseline_ors=18, follow_up_days=10
    )


@pytest.mark.parametrize(
    "options", ["client k-7 ors 0 in 2w", "in 2w client k-7 ors 0", "ors 0 in 2W client K-7", "CLIENT k-7 IN 2w ORS 0"]
)
def test_advice_options_come_in_any_order_at_the_end(options):
    assert parse(f"advice <@U9> name the rupture {options}") == GiveAdvice(
        therapist_id="U9", text="name the rupture", client_code="K-7", baseline_ors=0, follow_up_days=14
    )


@pytest.mark.parametrize(
    ("option", "field", "value"),
    [("client c12", "client_code", "C12"), ("ors 40", "baseline_ors", 40), ("in 3w", "follow_up_days", 21)],
)
def test_advice_with_one_option(option, field, value):
    advice = parse(f"advice <@U1> try silence {option}")
    assert advice.text == "try silence"
    assert getattr(advice, field) == value


@pytest.mark.parametrize("text", ["reflect more in session", "check in often", "stay in the room", "try it in 2 weeks"])
def test_advice_ending_in_ordinary_words_keeps_them_as_text(text):
    assert parse(f"advice <@U1> {text}") == GiveAdvice(therapist_id="U1", text=text)


def test_option_words_in_the_middle_stay_in_the_text():
    advice = parse("advice <@U1> ask the client in 2w how it felt in 1w")
    assert advice.text == "ask the client in 2w how it felt"
    assert advice.follow_up_days == 7


@pytest.mark.parametrize("first", ["@ann", "U123", "ann", "<#C123>", "<@>", "<@U123"])
def test_advice_without_a_mention_first_is_refused(first):
    error = refused(f"advice {first} ask about sleep")
    assert "@mention" in error.message
    assert first in error.message
    assert error.usage == USAGE["advice"]


def test_advice_with_a_mention_but_no_text_is_refused():
    error = refused("advice <@U123|ann>")
    assert error.message == "The advice text is missing."
    assert error.usage == USAGE["advice"]


@pytest.mark.parametrize(
    "text", ["tip client C1 client C2", "tip ors 3 ors 4", "tip in 2w in 3d", "tip in 2w ors 5 IN 3d"]
)
def test_advice_option_given_twice_is_refused(text):
    error = refused(f"advice <@U1> {text}")
    assert "is given twice" in error.message
    assert error.usage == USAGE["advice"]


@pytest.mark.parametrize(
    ("options", "complaint"),
    [
        ("ors 41", "ORS score must be from 0 to 40"),
        ("ors -1", "ORS score must be a whole number from 0 to 40"),
        ("ors 4.5", "ORS score must be a whole number"),
        ("in 2m", "is not a duration"),
        ("in 0d", "1 to 365 days"),
        ("in 60w", "1 to 365 days"),
        ("client C_12", "is not a client code"),
        ("client smith", "looks like a name"),
    ],
)
def test_advice_with_a_bad_option_value_says_why(options, complaint):
    error = refused(f"advice <@U1> try silence {options}")
    assert complaint in error.message
    assert error.usage == USAGE["advice"]


def test_advice_of_500_characters_is_accepted():
    assert parse("advice <@U1> " + "a" * 500).text == "a" * 500


def test_advice_over_500_characters_is_refused_naming_the_limit():
    error = refused("advice <@U1> " + "a" * 501 + " in 2w")
    assert "keep it to 500" in error.message
    assert error.usage == USAGE["advice"]


# outcome


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("outcome C12 ors 25", RecordOutcome("C12", "ors", 25)),
        ("outcome c12 SRS 40", RecordOutcome("C12", "srs", 40)),
        ("OUTCOME k-7 Ors 0", RecordOutcome("K-7", "ors", 0)),
    ],
)
def test_outcome_records_a_score_for_a_normalised_code(text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize("text", ["outcome", "outcome C12", "outcome C12 ors", "outcome C12 ors 20 extra"])
def test_outcome_with_the_wrong_number_of_words_is_refused(text):
    error = refused(text)
    assert "takes a client code, ors or srs, and a score" in error.message
    assert error.usage == USAGE["outcome"] == "/practice outcome <CODE> ors|srs <0-40>"


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("outcome C12 phq 20", "must be ors or srs"),
        ("outcome John ors 20", "looks like a name"),
        ("outcome C.12 ors 20", "is not a client code"),
        ("outcome C12 srs 41", "SRS score must be from 0 to 40"),
        ("outcome C12 ors 3.5", "ORS score must be a whole number"),
        ("outcome C12 ors x", "ORS score must be a whole number"),
    ],
)
def test_outcome_with_a_bad_part_says_why(text, complaint):
    error = refused(text)
    assert complaint in error.message
    assert error.usage == USAGE["outcome"]


# log


def test_log_minutes_and_activity():
    assert parse("log 30 reviewed a  session recording") == LogPractice(30, "reviewed a session recording")


@pytest.mark.parametrize("text", ["log", "log 30", "log reviewed"])
def test_log_without_minutes_and_activity_is_refused(text):
    error = refused(text)
    assert "takes the minutes, then what you practised" in error.message
    assert error.usage == USAGE["log"]


@pytest.mark.parametrize("minutes", ["0", "601", "ten", "-5", "1.5"])
def test_log_with_bad_minutes_is_refused(minutes):
    error = refused(f"log {minutes} roleplay")
    assert "number of minutes must be a whole number from 1 to 600" in error.message


def test_log_activity_over_200_characters_is_refused():
    error = refused("log 20 " + "r" * 201)
    assert "keep it to 200" in error.message


# digest


@pytest.mark.parametrize(("text", "post"), [("digest preview", False), ("digest post", True), ("digest POST", True)])
def test_digest_preview_or_post(text, post):
    assert parse(text) == DigestRequest(post=post)


@pytest.mark.parametrize("text", ["digest", "digest now", "digest post preview"])
def test_digest_needs_exactly_preview_or_post(text):
    error = refused(text)
    assert "digest preview" in error.message and "digest post" in error.message
    assert error.usage == USAGE["digest"]


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
    "<@U123|ann>",
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
TOKENS = st.one_of(
    st.sampled_from(GRAMMAR_WORDS),
    st.text(min_size=1, max_size=8),
    st.from_regex(r"[0-9]{1,4}[dw:]?[0-9]{0,2}", fullmatch=True),
)
GRAMMAR_TEXT = st.lists(TOKENS, max_size=10).map(" ".join)


def assert_parses_or_explains(text: str) -> None:
    try:
        parse(text)
    except UsageError as error:
        assert error.message
        assert error.usage.startswith("/practice")


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


@pytest.mark.parametrize("options", ["client C12 ors 20", "ors 20", "in 2w", "ors 50"])
def test_advice_with_options_but_no_text_is_refused(options):
    error = refused(f"advice <@U1> {options}")
    assert error.message in ("The advice text is missing.", "The ORS score must be from 0 to 40; 50 is out of range.")


def test_advice_ending_in_ors_and_a_word_keeps_it_as_text():
    assert parse("advice <@U1> review the ors weekly").text == "review the ors weekly"


def test_setup_option_given_twice_is_refused():
    error = refused("setup digest mon 09:00 digest tue 10:00")
    assert "is given twice" in error.message
