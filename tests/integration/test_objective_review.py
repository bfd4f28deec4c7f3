"""The objective review through the core on a real database and a simulated clock: the DM shows
the objective's results and the learning notes written under it before asking; each answer asks
for an optional reason in a form, through the identifier guard; history shows how and why each
objective ended; and the weekly progress trend in status and in the digest."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.model import Platform
from bot.prompts import review_action
from bot.services import Caller
from bot.services.answers import ALREADY_ANSWERED
from tests.core_harness import TEAM, CoreHarness, plain
from tests.integration.test_client_queries import statements
from tests.integration.test_objective_history import (
    ALICE,
    COACH,
    START,
    ZONES,
    a_week_on_one_objective,
    check_in,
    on_day,
)

REVIEW = "Time to review your learning objective"
ALICE_HERE = Caller(Platform.SLACK, TEAM, ALICE, "DALICE", in_direct_message=True)


@pytest.fixture
def harness(database_url):
    harness = CoreHarness(database_url, START, ZONES)
    harness.say(COACH, "setup")
    harness.say(ALICE, "join")
    yield harness
    harness.close()


def press(harness: CoreHarness, answer: str, value: str, caller: Caller = ALICE_HERE):
    return asyncio.run(harness.core.press(caller, review_action(answer), value))


def submit(harness: CoreHarness, form, **answers: str):
    async def submitted():
        result = await harness.core.submit(ALICE_HERE, form.kind, form.context, answers)
        await harness.core.settled()
        return result

    return asyncio.run(submitted())


def the_review(harness: CoreHarness):
    """The objective set on day 7 with its week of results, reviewed four weeks on."""
    a_week_on_one_objective(harness)
    harness.say(ALICE, "note Pausing after a question lets the client go deeper client C3")
    on_day(harness, 36)
    [sent] = harness.messenger.to(ALICE, REVIEW)
    return sent.message


def test_the_review_shows_the_results_and_the_notes_before_it_asks(harness):
    review = plain(the_review(harness))

    assert review.index("Objective: Hold silences longer") < review.index("Since you set it")
    assert "Weekly progress (1–5): 4\n" in review and "Practice during it: 50 min" in review
    assert "Clients during it (28 days): 3 reliably improved, 2 unchanged, 0 deteriorated (5 clients)" in review
    assert "Clients in as long before it: not shown below 5 clients with an ORS after intake" in review
    notes = review[review.index("Your learning notes under it") :]
    assert notes.index("(C3): Pausing after a question") < notes.index(": Silence invites the client in")
    assert review.index("Your learning notes under it") < review.index("How did it go, judged by these results")


def test_achieved_asks_why_and_history_shows_how_and_why_it_ended(harness):
    button = the_review(harness).buttons[0]

    form = press(harness, "achieved", button.value).form
    assert [f.name for f in form.fields] == ["why", "not_identifying"] and not form.fields[0].required
    done = submit(harness, form, why="Four of five clients improved while I held silences")

    assert not done.errors
    [(_ref, redrawn)] = done.updates
    assert "Marked achieved" in plain(redrawn) and "Why: Four of five clients improved" in plain(redrawn)
    assert redrawn.buttons == ()
    history = harness.say(ALICE, "objective history")
    assert "How it ended: achieved\nWhy: Four of five clients improved while I held silences" in history
    assert ALREADY_ANSWERED in plain(submit(harness, form, why="again").notice)


def test_keep_working_keeps_its_reason_and_an_objective_ended_without_one_says_so(harness):
    button = the_review(harness).buttons[1]

    form = press(harness, "keep_working", button.value).form
    assert form.title == "Keep working"
    assert not submit(harness, form, why="Only a week of results so far").errors
    harness.say(ALICE, "objective Ask for feedback on the alliance")  # ends it with no reason asked

    first = harness.say(ALICE, "objective history").split("Objective 2")[0]
    assert "How it ended: refined into objective 2\nWhy: not recorded" in first
    assert "Why you kept working on it, at its latest review: Only a week of results so far" in first


def test_refine_asks_why_in_the_objective_form_and_history_shows_it(harness):
    button = the_review(harness).buttons[2]

    form = press(harness, "refine", button.value).form
    assert [f.name for f in form.fields][-3:] == ["previous", "ended_why", "not_identifying"]
    prefilled = {f.name: f.initial for f in form.fields if f.initial}
    changed = {"objective": "Hold silences after a rupture", "ended_why": "Silence helped"}
    done = submit(harness, form, **(prefilled | changed))

    assert not done.errors
    assert "Why: Silence helped" in plain(done.updates[0][1])
    assert "How it ended: refined into objective 2\nWhy: Silence helped" in harness.say(ALICE, "objective history")


def test_an_identifying_reason_is_refused_in_its_field_and_nothing_changes(harness):
    button = the_review(harness).buttons[0]
    form = press(harness, "achieved", button.value).form

    refused = submit(harness, form, why="It worked for John Smith")

    assert "looks identifying" in refused.errors["why"] and refused.updates == []
    assert "How it ended: not yet" in harness.say(ALICE, "objective history")
    assert not submit(harness, form, why="It worked for John Smith", not_identifying="yes").errors


def test_a_forged_answer_or_someone_elses_review_is_refused_with_the_status_usage(harness):
    button = the_review(harness).buttons[0]
    form = press(harness, "achieved", button.value).form

    async def forged(caller: Caller, context: dict[str, str]):
        return await harness.core.submit(caller, form.kind, context, {"why": "x"})

    reply = plain(asyncio.run(forged(ALICE_HERE, {**form.context, "answer": "refine"})).reply)
    assert "no longer matches a review you were sent" in reply and "Usage: `practice status`" in reply
    coach = Caller(Platform.SLACK, TEAM, COACH, "DCOACH", in_direct_message=True)
    assert "isn't yours to answer" in plain(asyncio.run(forged(coach, form.context)).reply)
    assert "isn't yours to answer" in plain(press(harness, "achieved", button.value, coach).reply)
    assert "How it ended: not yet" in harness.say(ALICE, "objective history")


def test_status_shows_the_objectives_weekly_progress_in_one_more_statement(harness):
    _reply, without_objective = statements(harness, ALICE, "status")
    harness.say(ALICE, "objective Hold silences longer")
    assert "Progress on it (1–5), weekly: no check-in since you set it" in harness.say(ALICE, "status")
    for week, progress in ((1, 2), (3, 4)):  # no check-in in the second week
        on_day(harness, 7 * week)
        check_in(harness, progress=progress, minutes=10)
    harness.say(ALICE, "status")  # the zone is looked up again after a day; not counted, as at the start

    status, with_trend = statements(harness, ALICE, "status")

    assert "Progress on it (1–5), weekly: 2 → – → 4" in status
    assert with_trend == without_objective + 1


def test_the_digest_shows_each_therapists_progress_under_the_current_objective(harness):
    on_day(harness, 1)
    check_in(harness, progress=1, minutes=0)  # the week the objective is set, but before it: not its own
    an_hour_later(harness)
    harness.say(ALICE, "objective Hold silences longer")
    for week, progress in ((1, 3), (2, 4)):
        on_day(harness, 1 + 7 * week)
        check_in(harness, progress=progress, minutes=10)
    an_hour_later(harness)

    preview = harness.say(COACH, "digest preview")

    assert "@UALICE: Hold silences longer · progress – → 3 → 4\n" in preview
    on_day(harness, 33)  # after Friday's digest; no check-in answered in its week or the one before
    posted = plain(harness.messenger.to("CGROUP", "Practice digest")[-1].message)
    assert "@UALICE: Hold silences longer · progress – → 3 → 4 → –\n" in posted


def an_hour_later(harness: CoreHarness) -> None:
    """So that what was just recorded is before the next instant, not at it."""
    harness.advance_to(harness.clock() + timedelta(hours=1))


def test_a_review_of_an_objective_with_nothing_yet_says_so(harness):
    harness.say(ALICE, "objective Hold silences longer")
    harness.advance_to(START + timedelta(days=29, hours=8))
    review = plain(harness.messenger.to(ALICE, REVIEW)[0].message)
    assert "Weekly progress (1–5): no check-ins during it" in review and "Practice during it: 0 min" in review
    assert "None written under it yet." in review
