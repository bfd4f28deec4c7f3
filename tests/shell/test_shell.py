"""`supervision-bot shell`, driven through piped input as a script would drive it."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
from datetime import datetime, timedelta
from unittest import mock

import pytest
from PIL import Image
from sqlmodel import Session, select

from bot.config import load_settings
from bot.model import Objective
from handlers.shell.app import database_url, run_shell
from testkit.database import engine_for
from tests.conftest import BOT_COMMAND


@pytest.fixture(autouse=True)
def migrated_shell_database(tmp_path, _migrated_sqlite):
    """Each test's shell starts on a migrated database, copied from the tests' template
    (migrating a new file takes a second); the console-script test makes its own."""
    shutil.copyfile(_migrated_sqlite, tmp_path / "shell.sqlite3")


def shell(tmp_path, *lines: str, demo: bool = False) -> str:
    """What `supervision-bot shell --db tmp_path/shell.sqlite3 [--demo]` prints with `lines`
    piped in, run in this process; the console script itself is in test_no_colour_codes_when_piped."""
    settings = load_settings({"DATABASE_URL": database_url(str(tmp_path / "shell.sqlite3"))})
    typed, printed = io.StringIO("\n".join(lines) + "\n"), io.StringIO()
    with mock.patch("sys.stdin", typed), contextlib.redirect_stdout(printed):
        run_shell(settings, demo=demo)
    return printed.getvalue()


def button_number(output: str, label: str) -> str:
    return re.findall(rf"\[(\d+)\] {re.escape(label)}", output)[-1]


def shown(output: str, label: str, containing: str) -> str:
    """The last message shown under `label` whose text contains `containing`."""
    blocks = [block for block in output.split("── ") if block.startswith(label) and containing in block]
    assert blocks, f"no {label!r} message containing {containing!r} in:\n{output}"
    return blocks[-1]


def test_the_whole_loop_in_the_terminal(tmp_path):
    first = shell(
        tmp_path,
        "/as coach",
        "/practice setup",
        "/as alice",
        "/practice join",
        "/practice objective Hold silences longer",
        "/as coach",
        "/practice advice @alice Name the rupture out loud client C12 ors 18 in 14d",
        "/clock +15d",
    )
    assert "Advice recorded for @alice about client C12 (baseline ORS 18)." in first
    follow_up = shown(first, "DM to alice", "Name the rupture out loud")
    applied = button_number(follow_up, "Applied")

    second = shell(
        tmp_path,
        "/as alice",
        applied,
        "Naming it lowered the tension",
        "55",
        "36.5",
        "4",
        "",
        "",  # what happened, ORS, SRS, session, and "intake" and "not identifying" left unticked
        "26",  # the ORS again, after the error
        "/clock +7d",
    )
    assert "Latest ORS for C12 (optional): Enter a number from 0 to 40." in second
    updated = shown(second, "DM to alice, updated", "Name the rupture out loud")
    assert "ORS 18 → 26 (+8) since the advice of" in updated and ": reliable improvement" in updated
    client = shell(tmp_path, "/as alice", "/practice client C12")
    assert "ORS 18 (intake, " in client and "26 (" in client and ", session 4)" in client
    assert "SRS 36.5 (" in client
    assert "ORS 18 → 26 (+8): reliable improvement, clinically significant" in client
    digest = shown(second, "#supervision", "Practice digest")
    assert "@alice · C12: from intake, ORS 18 → 26 (+8): reliable improvement, clinically significant" in digest
    assert "since the advice of" in digest  # the advice about C12 on the same line, named so
    assert "Applied: 1" in digest


# Every section a digest has when each message was delivered; "Not delivered" appears only
# when one could not be, and the shell delivers everything.
DIGEST_SECTIONS = (
    "Participation",
    "Learning objectives",
    "Deliberate practice",
    "Follow-ups",
    "Outcome movement",
    "Agenda for the next meeting",
    "Learning notes",
)


@pytest.fixture(scope="module")
def demo_as_it_starts(tmp_path_factory, _migrated_sqlite):
    """A folder with the demo's shell as `shell --demo` leaves it on starting, and what it printed:
    played once for the module, as its month of history takes a while."""
    folder = tmp_path_factory.mktemp("demo-started")
    shutil.copyfile(_migrated_sqlite, folder / "shell.sqlite3")
    return folder, shell(folder, "/quit", demo=True)


@pytest.fixture
def started_demo(demo_as_it_starts, tmp_path):
    """A copy of the demo as it starts, in this test's own folder, and what starting it printed."""
    folder, printed = demo_as_it_starts
    shutil.copytree(folder, tmp_path, dirs_exist_ok=True)
    return tmp_path, printed


@pytest.fixture(scope="module")
def demo(demo_as_it_starts, tmp_path_factory):
    """The demo as it starts (its clock and records), and its first weekly digest."""
    folder = tmp_path_factory.mktemp("demo")
    shutil.copytree(demo_as_it_starts[0], folder, dirs_exist_ok=True)
    started = demo_as_it_starts[1]
    state = json.loads((folder / "shell.sqlite3.shell.json").read_text())
    engine = engine_for(f"sqlite:///{folder / 'shell.sqlite3'}")
    with Session(engine) as session:
        reviews = [o.review_on for o in session.exec(select(Objective).where(Objective.status == "active"))]
    engine.dispose()
    digest = shown(shell(folder, "/clock +7d"), "#supervision", "Practice digest")
    return started, datetime.fromisoformat(state["clock"]), reviews, digest


def test_the_demos_first_digest_has_something_in_every_section(demo):
    *_, digest = demo
    lines = [text.strip() for text in digest.splitlines()]
    for heading in DIGEST_SECTIONS:
        assert heading in lines, f"no {heading!r} section in:\n{digest}"
        assert lines[lines.index(heading) + 1] not in DIGEST_SECTIONS
    participation = digest[: digest.index("Learning objectives")]
    assert all(name in participation for name in ("@alice", "@ravi", "@mia"))
    assert "Checked in: @alice, @ravi" in participation and "Not yet: @mia" in participation
    # Each section's first line is more than the line an empty week gives it.
    after = {heading: lines[lines.index(heading) + 1] for heading in DIGEST_SECTIONS}
    assert after["Learning objectives"].startswith("• @alice: Invite feedback") and "no objective" not in digest
    assert after["Deliberate practice"] != "0 min in all" and after["Deliberate practice"].endswith(" min in all")
    assert after["Follow-ups"].startswith("Applied: 1 · Partly: 1 · Open loops: 1")
    assert after["Outcome movement"].startswith("• @alice · A12: from intake")
    assert "reliable improvement" in digest and "alliance concern" in digest
    assert after["Agenda for the next meeting"].startswith("• Reliable deterioration: @mia")
    assert after["Learning notes"].startswith("• @alice")


def test_the_demos_reviews_are_spread_over_the_coming_weeks(demo):
    _started, now, reviews, _digest = demo
    assert len(reviews) == 3 and len(set(reviews)) == 3
    assert all(now.date() < review <= now.date() + timedelta(weeks=4) for review in reviews)


def test_bad_input_gets_the_same_messages_as_in_slack(tmp_path):
    output = shell(
        tmp_path,
        "/practice frobnicate",
        "/practice outcome John ors 20",
        "/bogus",
        "hello",
        "99",
        "/clock next tuesday",
        "/as",
    )
    assert "I don't know the subcommand “frobnicate”." in output
    assert "“John” looks like a name." in output
    assert "/bogus is not a shell command." in output and "/clock [+N(m|h|d|w) | YYYY-MM-DD HH:MM]" in output
    assert "Commands start with a slash" in output
    assert "There is no button [99]." in output
    assert "Usage: /clock +3d" in output and "Usage: /as NAME" in output


def test_people_time_and_state_survive_a_restart(tmp_path):
    shell(tmp_path, "/as dana Europe/Paris", "/clock +2d", "/quit")
    output = shell(tmp_path, "/people", "/clock")
    assert "you are dana" in output and "dana       Europe/Paris ← you" in output
    assert "State saved." in output


def test_no_colour_codes_when_piped(tmp_path):
    arguments = [BOT_COMMAND, "shell", "--db", str(tmp_path / "new.sqlite3")]
    piped = subprocess.run(
        arguments, input="/practice help\n/people\n", capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert piped.returncode == 0 and "Traceback" not in piped.stdout + piped.stderr, piped.stdout + piped.stderr
    assert "/practice log <minutes> <activity>" in piped.stdout
    assert "\033[" not in piped.stdout


def test_what_is_typed_just_before_a_preview_is_in_it(tmp_path):
    output = shell(
        tmp_path,
        "/as coach",
        "/practice setup",
        "/as alice",
        "/practice join",
        "/practice log 35 rehearsed a repair",
        "/as coach",
        "/practice digest preview",
    )
    assert "@alice: 35 min" in shown(output, "only coach sees this", "Deliberate practice")


def test_the_demo_brings_a_learning_note_back_within_two_weeks_asking_first(started_demo):
    tmp_path, _printed = started_demo
    output = shell(tmp_path, "/as alice", "/clock +14d", "/quit")
    returned = output[output.index("DM to alice") :]
    returned = returned[returned.index("A learning note") :]
    assert "you learned something about your objective" in returned.splitlines()[1]
    assert returned.splitlines()[2].strip() == "What do you remember of it?"
    assert "Answer" in returned.splitlines()[3] and "Show me" in returned.splitlines()[3]


def a_therapist_with_a_learning_note(tmp_path, *then: str) -> str:
    return shell(
        tmp_path,
        "/as coach",
        "/practice setup",
        "/as alice",
        "/practice join",
        "/practice objective Hold silences longer",
        "/practice note a pause lets the client go deeper",
        *then,
    )


def test_a_learning_note_that_comes_back_is_answered_then_archived_in_the_terminal(tmp_path):
    returned = shown(a_therapist_with_a_learning_note(tmp_path, "/clock +5d"), "DM to alice", "A learning note")
    assert "you learned something about your objective “Hold silences longer”" in returned

    recalled = shell(tmp_path, "/as alice", button_number(returned, "Answer"), "silence made room", "")
    answered = shown(recalled, "DM to alice, updated", "You remembered: silence made room")
    assert "a pause lets the client go deeper" in answered and "a pause" not in returned  # asked before shown

    archived = shell(tmp_path, "/as alice", button_number(answered, "Archive"), "/practice notes")
    assert "Archived: it won't come back." in shown(archived, "DM to alice, updated", "A learning note")
    assert "You have no learning notes yet." in archived


def test_a_learning_note_is_archived_from_the_list_in_the_terminal(tmp_path):
    listed = shown(a_therapist_with_a_learning_note(tmp_path, "/practice notes"), "only alice sees this", "newest")
    assert "a pause lets the client go deeper" in listed

    output = shell(tmp_path, "/as alice", button_number(listed, "Archive 1"), "/practice notes")
    assert "Archived your note of " in output and "You have no learning notes yet." in output


def test_objective_history_compares_the_clients_during_an_objective_with_as_long_before(tmp_path):
    five = [f"/practice outcome C{n} ors 20" for n in range(1, 6)]
    later = [f"/practice outcome C{n} ors {score}" for n, score in enumerate((26, 26, 26, 21, 14), start=1)]
    output = shell(
        tmp_path,
        "/as coach",
        "/practice setup",
        "/as alice",
        "/practice join",
        *five,
        "/clock +1d",
        "/practice objective Hold silences longer",
        "/clock +2d",
        *later,
        "/clock +4d",
        "/practice objective Name ruptures out loud",
        "/practice objective history",
    )
    history = shown(output, "only alice sees this", "Objective 1")
    first, second = history.split("Objective 2")
    assert "Hold silences longer" in first and "refined into objective 2" in first
    assert "Clients during it (6 days): 3 reliably improved, 1 unchanged, 1 deteriorated (5 clients)" in first
    assert "Clients in as long before it: not shown below 5 clients" in first
    assert "Name ruptures out loud" in second and "still open" in second


def test_prep_before_a_session_and_an_intention_kept_as_a_note_in_the_terminal(tmp_path):
    output = a_therapist_with_a_learning_note(
        tmp_path, "/practice outcome C12 ors 20", "/practice outcome C12 ors 23", "/practice prep C12"
    )
    card = shown(output, "only alice sees this", "Before your session with C12")
    assert "ORS 20 → 23" in card and "from intake +3: no reliable change" in card
    assert "Hold silences longer" in card and "a pause lets the client go deeper" in card

    kept = shell(
        tmp_path, "/as alice", button_number(card, "Set an intention"), "Let the silence run", "", "/practice notes"
    )
    assert "Let the silence run" in shown(kept, "only alice sees this", "newest")


def test_the_objective_review_shows_its_results_and_notes_then_asks_why_in_the_terminal(tmp_path):
    output = a_therapist_with_a_learning_note(tmp_path, "/practice log 25 rehearsed pausing", "/clock +30d")
    review = shown(output, "DM to alice", "Objective review")
    assert review.index("Since you set it") < review.index("Achieved")
    assert "Practice during it: 25 min" in review and "Clients during it (" in review
    assert "Your learning notes under it" in review and "a pause lets the client go deeper" in review

    answered = shell(
        tmp_path,
        "/as alice",
        button_number(review, "Achieved"),
        "Clients say more after a pause",
        "",
        "/practice objective history",
    )
    assert "Why: Clients say more after a pause" in shown(answered, "DM to alice, updated", "Marked achieved")
    history = shown(answered, "only alice sees this", "Objective 1")
    assert "How it ended: achieved" in history and "Why: Clients say more after a pause" in history


def test_the_coach_records_a_reviewed_recording_and_the_objective_form_tells_the_count_in_the_terminal(tmp_path):
    output = shell(
        tmp_path,
        "/as coach",
        "/practice setup",
        "/as alice",
        "/practice join",
        "/practice recording @alice",
        "/as coach",
        "/practice recording @alice client C12 steady opening, rushed close",
        "/as alice",
        "/practice objective",
        "Hold silences longer",
        "",
        "",
        "",
        "",  # why, how it would show, the review date as offered, "not identifying" left unticked
    )
    assert "Only this group's coach (@coach) can do that." in output
    assert "Recorded: you reviewed a session recording of @alice's (client C12)." in output
    told = shown(output, "DM to alice", "Your learning objective is set")
    assert "Your coach has reviewed 1 of your session recordings in the last 12 weeks; an objective shaped" in told


def test_the_log_form_and_status_with_the_weeks_and_kinds_in_the_terminal(tmp_path):
    output = shell(
        tmp_path,
        "/as coach",
        "/practice setup",
        "/as alice",
        "/practice join",
        "/practice log 30 reviewed a session recording",
        "/clock +7d",
        "/practice log",
        "20",
        "rehearsed the ending",
        "",
        "",  # the kind as the words tell it, and "not identifying" left unticked
        "/practice log",
        "10",
        "planned the first session",
        "consultation",
        "",
        "/practice status",
    )
    assert "Kind of practice (from_the_words = Tell it from what I wrote, recording_review = recording review" in output
    assert "Logged 30 min: reviewed a session recording (recording review)" in output
    assert "Logged 20 min: rehearsed the ending (skill rehearsal)" in output
    assert "Logged 10 min: planned the first session (consultation)" in output
    status = shown(output, "only alice sees this", "Practice per week")
    assert "0 · 0 · 0 · 0 · 0 · 0 · 30 · 30 min, this week last" in status
    assert "recording review 30 min · skill rehearsal 20 min · consultation 10 min" in status


def test_the_demo_asks_before_its_first_digest_what_each_therapist_wants_from_the_meeting(started_demo):
    tmp_path, _printed = started_demo
    asked = shown(shell(tmp_path, "/as alice", "/clock +2d"), "DM to alice", "What do you want from the next meeting")
    answered = shell(tmp_path, "/as alice", button_number(asked, "Answer"), "case", "A12", "When to end the work", "")
    assert "On the agenda: Bring a case (A12): When to end the work" in shown(
        answered, "DM to alice, updated", "On the agenda"
    )
    digest = shown(shell(tmp_path, "/clock +2d"), "#supervision", "Practice digest")
    agenda = digest[digest.index("Agenda for the next meeting") :]
    assert "• Bring a case: @alice · A12: When to end the work" in agenda


def test_feedback_after_the_meeting_in_the_terminal_comes_back_as_a_follow_up_a_week_later(tmp_path):
    set_up = shell(
        tmp_path,
        "/as coach",
        "/practice setup meeting wed 10:00 60m",
        "/practice setup meeting someday 10:00",
        "/as alice",
        "/practice join",
        "/clock +8d",
    )
    assert "The group meets on Wednesdays at 10:00 for 60 minutes" in set_up
    assert "“someday” is not a weekday" in set_up and "Usage: `/practice setup [digest" in set_up
    asked = shown(set_up, "DM to alice", "How useful was the supervision")
    answered = shell(
        tmp_path,
        "/as alice",
        button_number(asked, "Answer"),
        "12",
        "More role-play",
        "Ask what was least helpful",
        "",  # "not identifying" left unticked
        "8",  # the usefulness again, after the error
        "/as coach",
        "/practice digest preview",
    )
    assert "Enter a number from 0 to 10." in answered
    assert "Thank you: 8/10." in shown(answered, "DM to alice, updated", "After the meeting")
    preview = shown(answered, "only coach sees this", "Feedback on the supervision")
    assert "Fewer than 3 answers, so only the suggestions are shown." in preview and "• More role-play" in preview
    follow_up = shown(shell(tmp_path, "/clock +8d"), "DM to alice", "Ask what was least helpful")
    assert "Applied" in follow_up and "Advice from @alice" in follow_up


def test_the_client_view_in_the_terminal_writes_its_chart_beside_the_database_and_says_what_it_shows(tmp_path):
    output = shell(
        tmp_path,
        "/as coach",
        "/practice setup",
        "/as alice",
        "/practice join",
        "/practice outcome C12 ors 30 session 1",
        "/practice outcome C12 ors 14 session 2",
        "/practice client C12",
    )
    view = shown(output, "only alice sees this", "Client C12")
    chart = tmp_path / "charts" / "client-C12.png"
    assert f"Chart: {chart}" in view
    assert "Client C12's scores: ORS 30 (intake, " in view and "Flags: reliable deterioration." in view
    with Image.open(chart) as picture:
        assert picture.format == "PNG" and picture.size == (800, 450)


def test_practice_home_prints_the_home_with_buttons_that_work_as_in_the_dm(tmp_path):
    output = shell(
        tmp_path,
        "/as coach",
        "/practice setup",
        "/as alice",
        "/practice join",
        "/practice objective Hold silences longer",
        "/as coach",
        "/practice advice @alice Name the rupture out loud in 1d",
        "/clock +2d",
        "/as alice",
        "/practice home",
    )
    home = shown(output, "only alice sees", "This week's check-in")
    assert "Hold silences longer" in home and "Name the rupture out loud" in home and "Practice minutes" in home
    not_yet = button_number(home, "Not yet (remind me in 7 days)")

    answered = shell(tmp_path, "/as alice", not_yet, "/practice home", "/as coach", "/practice home")

    assert "I'll ask again on" in answered
    assert "The group you coach" in shown(answered, "only coach sees", "Therapists")
    assert "@alice: Hold silences longer" in shown(answered, "only coach sees", "Therapists")
