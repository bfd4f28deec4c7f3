"""The objective review's direct message: the objective's results and its learning notes come
before the question, the newest notes first and the rest counted (bot.prompts.review)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from bot.messages import Command, plain_text
from bot.model import LearningNote, NoteSource, Objective
from bot.prompts import NOTES_IN_REVIEW, REVIEW_ANSWERS, review, review_action
from bot.refinement import Comparison, Movements, Period, Results

SET = datetime(2026, 11, 2, 9, tzinfo=timezone.utc)
OBJECTIVE = Objective(
    id=7,
    group_id=1,
    user_id="UALICE",
    text="Hold silences longer",
    evidence="Clients say more after a pause",
    review_on=date(2026, 11, 30),
    created_at=SET,
)
PERIOD = Period(SET, SET + timedelta(weeks=4))


def note(day: int, text: str, client: str | None = None) -> LearningNote:
    return LearningNote(
        group_id=1,
        user_id="UALICE",
        text=text,
        source=NoteSource.NOTE,
        objective_id=7,
        client_code=client,
        written_at=SET + timedelta(days=day),
    )


def texts(results: Results, notes: list[LearningNote]) -> list[list[str]]:
    message = review(OBJECTIVE, 42, results, notes)
    return [[plain_text(spans) for spans in section.lines] for section in message.sections]


def results(during: Movements, before: Movements, ratings=(3, 4), minutes=95) -> Results:
    return Results(Comparison(PERIOD, during, before), ratings, minutes)


def test_the_results_and_the_notes_come_before_the_question_and_its_buttons():
    five, four = Movements(improved=3, unchanged=1, deteriorated=1), Movements(improved=1, unchanged=3)
    written = [note(9, "Wait for the client to fill the silence", "C12")]
    message = review(OBJECTIVE, 42, results(five, four), written)

    objective, since, notes, question = texts(results(five, four), written)

    assert objective == [
        "Objective: Hold silences longer",
        "How progress shows: Clients say more after a pause",
        "Set on Mon 2 Nov.",
    ]
    assert since == [
        "Weekly progress (1–5): 3 · 4",
        "Practice during it: 95 min",
        "Clients during it (28 days): 3 reliably improved, 1 unchanged, 1 deteriorated (5 clients)",
        "Clients in as long before it: not shown below 5 clients with an ORS after intake",
    ]
    assert notes == ["• Wed 11 Nov (C12): Wait for the client to fill the silence"]
    assert question[0].startswith("How did it go, judged by these results")
    assert [section.heading for section in message.sections][:3] == [
        "Objective review",
        "Since you set it",
        "Your learning notes under it",
    ]
    assert [(b.action, b.value) for b in message.buttons] == [(review_action(a), "42") for a in REVIEW_ANSWERS]


def test_the_newest_notes_are_shown_and_the_rest_counted_with_where_to_read_them():
    notes = [note(20 - day, f"note {day}") for day in range(NOTES_IN_REVIEW + 2)]  # newest first

    shown = texts(results(Movements(), Movements()), notes)[2]

    assert shown == [
        "• Sun 22 Nov: note 0",
        "• Sat 21 Nov: note 1",
        "• Fri 20 Nov: note 2",
        "…and 2 more (5 in all): see `practice notes`.",
    ]
    message = review(OBJECTIVE, 42, results(Movements(), Movements()), notes)
    assert Command("notes") in message.sections[2].lines[-1]


def test_exactly_as_many_notes_as_shown_are_not_counted_and_none_is_said():
    just_enough = [note(day, f"note {day}") for day in range(NOTES_IN_REVIEW)]
    assert not any("more" in text for text in texts(results(Movements(), Movements()), just_enough)[2])
    assert texts(results(Movements(), Movements()), [])[2] == ["None written under it yet."]
