"""Spans as each front-end renders them, and mentions as each front-end hands them to the core."""

from __future__ import annotations

import io

import pytest

from bot.forms import Form, FormField
from bot.grammar import GiveAdvice, SetObjective, UsageError, parse, readable, user_token
from bot.messages import Bold, Code, Command, Message, Term, line, plain_text
from handlers.shell.repl import core_text as shell_text
from handlers.shell.screen import Screen
from handlers.slack.commands import core_text as slack_text
from handlers.slack.render import fallback_text, modal, mrkdwn, plain
from handlers.teams import render as teams

# Slack: the bot's own markup.


def test_a_command_on_slack_is_code_with_the_slash_command():
    assert (
        mrkdwn(line("run ", Command("log <minutes> <activity>")))
        == "run `/practice log &lt;minutes&gt; &lt;activity&gt;`"
    )


def test_the_bare_command_name_in_bold_on_slack():
    assert mrkdwn(line(Bold(Command()), " helps")) == "*/practice* helps"


def test_code_on_slack_cannot_be_ended_early_by_a_backtick_in_it():
    assert mrkdwn(line(Code("client C12"), " or ", Code("a`b"))) == "`client C12` or `aˋb`"


def test_slack_says_workspace_for_the_tenant_and_its_admins():
    assert (
        mrkdwn(line("in this ", Term.TENANT, ", ", Term.COACH_HANDOVER))
        == "in this workspace, the coach or a workspace admin"
    )


def test_a_form_hint_on_slack_is_plain_text_with_the_slash_command():
    assert plain(line("You logged 30 min with ", Command("log"), ".")) == "You logged 30 min with /practice log."


def test_the_notification_text_on_slack_keeps_code_marks_and_escapes():
    message = Message.text(line("Run ", Command("join"), " & ", Code("x<y>")))
    assert fallback_text(message) == "Run `/practice join` &amp; `x&lt;y&gt;`"


# Slack: user text is shown literally.


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("*not bold*", "∗not bold∗"),
        ("_not italic_", "ˍnot italicˍ"),
        ("~not struck~", "∼not struck∼"),
        ("`not code`", "ˋnot codeˋ"),
        ("```not a block```", "ˋˋˋnot a blockˋˋˋ"),
        ("> not a quote", "\u00ad&gt; not a quote"),
        ("first\n  > not a quote", "first\n  \u00ad&gt; not a quote"),
        ("3 > 2", "3 &gt; 2"),
        (":smile: at 09:00", "꞉smile: at 09:00"),
        (":thumbs_up:", "꞉thumbs_up:"),
        ("<!channel> & <@U1>", "&lt;!channel&gt; &amp; &lt;@U1&gt;"),
        ("plain words, 10:30-11:00", "plain words, 10:30-11:00"),
        ("snake_case, internal_error, 2*3, x~y", "snake_case, internal_error, 2*3, x~y"),
        ("__init__ and foo_ bar", "ˍˍinitˍˍ and fooˍ bar"),
    ],
)
def test_user_text_on_slack_never_formats(typed, shown):
    assert mrkdwn(line(typed)) == shown


def test_user_text_in_bold_on_slack_cannot_end_the_bold():
    assert mrkdwn(line(Bold("a*b "), "x")) == "*a∗b* x"


def test_a_forms_intro_on_slack_never_formats():
    form = Form(
        "log", "Log practice", "Save", (FormField("activity", "Activity"),), intro="What you *practised* <!here>"
    )
    assert modal(form)["blocks"][0]["text"] == {"type": "mrkdwn", "text": "What you ∗practised∗ &lt;!here&gt;"}


# Teams: the bot's own markup (user text: tests/unit/test_teams_render.py).


def test_a_command_on_teams_is_quoted_with_the_bare_command_name():
    assert (
        teams.markdown(line("run ", Command("log <minutes> <activity>"))) == "run “practice log ‹minutes› ‹activity›”"
    )


def test_the_bare_command_name_in_bold_on_teams():
    assert teams.markdown(line(Bold(Command()), " helps")) == "**practice** helps"


def test_code_on_teams_is_quoted_and_cannot_format():
    assert teams.markdown(line(Code("client C12"), " or ", Code("a_b*"))) == "“client C12” or “a\\_b\\*”"


def test_teams_says_organization_for_the_tenant_and_teams_admin_for_its_admins():
    assert teams.markdown(line("in this ", Term.TENANT, ", ", Term.COACH_HANDOVER)) == "in this organization, the coach"


def test_plain_text_on_teams_has_the_bare_command_and_no_marks():
    assert teams.plain(line("You logged 30 min with ", Command("log"), " and ", Code("x"), ".")) == (
        "You logged 30 min with practice log and x."
    )


def test_the_notification_text_on_teams_escapes_nothing():
    message = Message.text(line("Run ", Command("join"), " & ", Code("x<y>")))
    assert teams.fallback_text(message) == "Run practice join & x<y>"


# The shell.


def shown_in_shell(*spans) -> str:
    return Screen(io.StringIO(), colour=False).text(line(*spans))


def test_the_shell_shows_commands_and_code_as_typed():
    assert (
        shown_in_shell("run ", Command("log 30 x"), ", e.g. ", Code("pause 2w"))
        == "run `/practice log 30 x`, e.g. `pause 2w`"
    )
    assert shown_in_shell(Bold(Command()), " helps") == "/practice helps"


def test_the_shell_has_its_own_words_for_the_tenant_and_its_admins():
    assert shown_in_shell("in this ", Term.TENANT, ", ", Term.COACH_HANDOVER) == (
        "in this workspace, the coach or a workspace admin"
    )


def test_the_shell_shows_user_text_as_typed():
    assert shown_in_shell("*as typed* _here_") == "*as typed* _here_"


def test_the_core_plain_text_names_no_platform():
    assert plain_text(line(Bold(Command()), " ", Command("join"), " ", Code("x"), " ", Term.TENANT)) == (
        "practice `practice join` `x` tenant"
    )


# Mentions become user references before the core reads them.


@pytest.mark.parametrize("mention", ["<@U123>", "<@U123|ann>", "<@U123|first.last>"])
def test_a_slack_mention_becomes_a_user_reference(mention):
    assert slack_text(f"advice {mention} ask about sleep") == f"advice {user_token('U123')} ask about sleep"


def test_a_mention_typed_as_text_on_slack_stays_text():
    # Slack escapes what the user types; only its own mentions arrive unescaped.
    assert slack_text("advice &lt;@U123&gt; hi") == "advice <@U123> hi"


def test_an_at_name_in_the_shell_becomes_a_user_reference_but_an_address_does_not():
    assert shell_text("advice @alice mail me@example.com") == f"advice {user_token('alice')} mail me@example.com"


def test_references_are_kept_and_shown_back_as_at_names():
    assert readable(f"pair with {user_token('U2')}") == "pair with @U2"
    assert parse(f"objective pair with {user_token('U2')}") == SetObjective("pair with @U2")
    assert parse(f"advice {user_token('U1')} ask {user_token('U2')}") == GiveAdvice("U1", "ask @U2")


def test_a_refusal_shows_what_was_typed_with_at_names():
    with pytest.raises(UsageError, match="got “@U2”"):
        parse(f"join {user_token('U2')}")
