"""The direct messages the scheduler sends, before and after they are answered.

Once answered, a message is redrawn without buttons, so none are left dead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.messages import Bold, Button, Command, Line, Mention, Message, Section, as_line, day_label, line
from bot.model import Advice, LearningNote, Objective
from bot.outcomes import shown
from bot.refinement import Results, result_lines

FOLLOW_UP_ANSWERS = {
    "applied": "Applied",
    "partly": "Partly",
    "not_yet": "Not yet (remind me in 7 days)",
    "no_longer_relevant": "No longer relevant",
}
REVIEW_ANSWERS = {
    "achieved": "Achieved",
    "keep_working": "Keep working",
    "refine": "Refine",
}
CHECK_IN_ACTION = "check_in"
NOTES_IN_REVIEW = 3  # the newest learning notes an objective review shows; the rest are counted


def follow_up_action(answer: str) -> str:
    return f"follow_up:{answer}"


def review_action(answer: str) -> str:
    return f"review:{answer}"


def _with_reminder(summary: str, reminder: bool) -> str:
    return f"Reminder: {summary[0].lower()}{summary[1:]}" if reminder else summary


def _advice_lines(advice: Advice) -> tuple[Line, ...]:
    lines = [
        line(Bold("Advice"), " from ", Mention(advice.given_by), f" on {day_label(advice.created_at)}:"),
        line(advice.text),
    ]
    if advice.client_code:
        baseline = f" · baseline ORS {shown(advice.baseline_ors)}" if advice.baseline_ors is not None else ""
        lines.append(line(Bold("Client: "), advice.client_code, baseline))
    return tuple(lines)


def follow_up(advice: Advice, delivery_id: int, reminder: bool = False) -> Message:
    question = "Did you apply it? Did the client's outcome move?" if advice.client_code else "Did you apply it?"
    buttons = tuple(
        Button(label, follow_up_action(answer), str(delivery_id), "primary" if answer == "applied" else None)
        for answer, label in FOLLOW_UP_ANSWERS.items()
    )
    return Message(
        summary=_with_reminder("Follow-up on advice from consultation", reminder),
        sections=(Section(_advice_lines(advice) + (line(question),), heading=_with_reminder("Follow-up", reminder)),),
        buttons=buttons,
    )


def follow_up_answered(advice: Advice, outcome: Line) -> Message:
    return Message(
        summary="Follow-up answered",
        sections=(Section(_advice_lines(advice) + (outcome,), heading="Follow-up"),),
    )


def check_in(objective: Objective | None, delivery_id: int, reminder: bool = False) -> Message:
    focus = (
        line(Bold("Your objective: "), objective.text)
        if objective
        else line("You have no learning objective yet; set one with ", Command("objective"), ".")
    )
    return Message(
        summary=_with_reminder("Your weekly practice check-in", reminder),
        sections=(
            Section(
                (line("Time for your weekly check-in: three quick questions."), focus),
                heading=_with_reminder("Weekly check-in", reminder),
            ),
        ),
        buttons=(Button("Check in", CHECK_IN_ACTION, str(delivery_id), "primary"),),
    )


def check_in_answered(progress: int, minutes: int) -> Message:
    return Message(
        summary="Check-in recorded",
        sections=(
            Section(
                (line(f"✅ Checked in: progress {progress}/5, {minutes} min of practice. Thank you."),),
                heading="Weekly check-in",
            ),
        ),
    )


def review(
    objective: Objective,
    delivery_id: int,
    results: Results,
    notes: Sequence[LearningNote],
    reminder: bool = False,
) -> Message:
    """The objective with its results and the learning notes written under it (newest first),
    before the question: it is judged against what came of it, not only against how it felt."""
    lines = [line(Bold("Objective: "), objective.text)]
    if objective.evidence:
        lines.append(line(Bold("How progress shows: "), objective.evidence))
    lines.append(line(f"Set on {day_label(objective.created_at)}."))
    buttons = tuple(
        Button(label, review_action(answer), str(delivery_id), "primary" if answer == "achieved" else None)
        for answer, label in REVIEW_ANSWERS.items()
    )
    question = line("How did it go, judged by these results and not only by how it felt?")
    return Message(
        summary=_with_reminder("Time to review your learning objective", reminder),
        sections=(
            Section(tuple(lines), heading=_with_reminder("Objective review", reminder)),
            Section(result_lines(results), heading="Since you set it"),
            Section(_review_notes(notes), heading="Your learning notes under it"),
            Section((question,)),
        ),
        buttons=buttons,
    )


def _review_notes(notes: Sequence[LearningNote]) -> tuple[Line, ...]:
    if not notes:
        return (line("None written under it yet."),)
    lines = [_review_note(note) for note in notes[:NOTES_IN_REVIEW]]
    if len(notes) > NOTES_IN_REVIEW:
        more = len(notes) - NOTES_IN_REVIEW
        lines.append(line(f"…and {more} more ({len(notes)} in all): see ", Command("notes"), "."))
    return tuple(lines)


def _review_note(note: LearningNote) -> Line:
    client = (" (", note.client_code, ")") if note.client_code else ()
    return line(f"• {day_label(note.written_at)}", *client, ": ", note.text)


def review_answered(objective: Objective, outcome: str | Line, why: str | None = None) -> Message:
    lines = [line(Bold("Objective: "), objective.text), as_line(outcome)]
    if why:
        lines.append(line(Bold("Why: "), why))
    return Message(summary="Objective review answered", sections=(Section(tuple(lines), heading="Objective review"),))


RESURFACE_ASK = {"recall": "Answer", "show": "Show me"}
RESURFACE_ANSWERS = {"useful": "Still useful", "refine": "Refine it", "archive": "Archive"}


def resurface_action(answer: str) -> str:
    return f"resurface:{answer}"


def _about(note: LearningNote, objective: Objective | None) -> str:
    if objective is not None:
        return f"your objective “{objective.text}”"
    if note.client_code:
        return f"client {note.client_code}"
    return "your practice"


def resurfacing(note: LearningNote, objective: Objective | None, delivery_id: int) -> Message:
    """Retrieval before re-reading: the note itself is shown only after an answer or "Show me"."""
    question = f"On {day_label(note.written_at)} you learned something about {_about(note, objective)}."
    buttons = tuple(
        Button(label, resurface_action(answer), str(delivery_id), "primary" if answer == "recall" else None)
        for answer, label in RESURFACE_ASK.items()
    )
    return Message(
        summary="A learning note comes back: what do you remember of it?",
        sections=(Section((line(question), line("What do you remember of it?")), heading="A learning note"),),
        buttons=buttons,
    )


def _note_lines(note: LearningNote, recalled: str | None) -> tuple[Line, ...]:
    lines = [line(Bold("You remembered: "), recalled)] if recalled else []
    lines.append(line(Bold(f"Your note of {day_label(note.written_at)}: "), note.text))
    return tuple(lines)


def resurfaced_note(note: LearningNote, delivery_id: int, recalled: str | None = None) -> Message:
    buttons = tuple(
        Button(label, resurface_action(answer), str(delivery_id), "danger" if answer == "archive" else None)
        for answer, label in RESURFACE_ANSWERS.items()
    )
    return Message(
        summary="Your learning note",
        sections=(Section((*_note_lines(note, recalled), line("Is it still useful?")), heading="A learning note"),),
        buttons=buttons,
    )


def resurfacing_answered(note: LearningNote, outcome: str) -> Message:
    return Message(
        summary="Learning note answered",
        sections=(Section((*_note_lines(note, None), line(outcome)), heading="A learning note"),),
    )


MEETING_PREP_ACTION = "meeting:prep"
MEETING_FEEDBACK_ACTION = "meeting:feedback"


def meeting_prep(meeting_on: date, delivery_id: int) -> Message:
    return Message(
        summary="What do you want from the next meeting?",
        sections=(
            Section(
                (
                    line(f"What do you want from the next meeting, on {day_label(meeting_on)}?"),
                    line("A case to bring, a skill to practise, a question for the coach: it goes on the agenda."),
                ),
                heading="Before the meeting",
            ),
        ),
        buttons=(Button("Answer", MEETING_PREP_ACTION, str(delivery_id), "primary"),),
    )


def meeting_prep_answered(meeting_on: date, outcome: Line) -> Message:
    return Message(
        summary="Your request for the meeting is recorded",
        sections=(
            Section((line(f"For the meeting on {day_label(meeting_on)}:"), outcome), heading="Before the meeting"),
        ),
    )


def meeting_feedback(meeting_on: date, delivery_id: int, named: bool) -> Message:
    who = "with your name" if named else "without your name"
    return Message(
        summary="How useful was the supervision?",
        sections=(
            Section(
                (
                    line(f"How useful was the supervision on {day_label(meeting_on)}? Three quick questions."),
                    line(f"Your coach sees the answers {who}, never in the channel."),
                ),
                heading="After the meeting",
            ),
        ),
        buttons=(Button("Answer", MEETING_FEEDBACK_ACTION, str(delivery_id), "primary"),),
    )


def meeting_feedback_answered(meeting_on: date, outcome: Line) -> Message:
    return Message(
        summary="Your feedback on the meeting is recorded",
        sections=(Section((line(f"The meeting on {day_label(meeting_on)}:"), outcome), heading="After the meeting"),),
    )
