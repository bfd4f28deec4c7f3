"""The use cases. Each runs in one transaction: it commits whole, or raises and writes nothing."""

from __future__ import annotations

from collections.abc import Callable

from bot import grammar
from bot.forms import Values
from bot.grammar import UsageError
from bot.privacy import SAVE_ANYWAY
from bot.prompts import (
    CHECK_IN_ACTION,
    FOLLOW_UP_ANSWERS,
    MEETING_FEEDBACK_ACTION,
    MEETING_PREP_ACTION,
    RESURFACE_ANSWERS,
    RESURFACE_ASK,
    REVIEW_ANSWERS,
    follow_up_action,
    resurface_action,
    review_action,
)
from bot.services import (
    advice,
    away,
    clients,
    digests,
    groups,
    home,
    meetings,
    notes,
    objective_history,
    objectives,
    practice,
    prep,
    recordings,
    rights,
)
from bot.services.caller import Caller, Context, Result

__all__ = [
    "BUTTON_ACTIONS",
    "FORM_KINDS",
    "Caller",
    "Context",
    "Result",
    "UsageError",
    "press",
    "run_command",
    "submit",
]

_COMMANDS: dict[type, Callable[[Context, object], Result]] = {
    grammar.Setup: groups.setup,
    grammar.Join: groups.join,
    grammar.Leave: groups.leave,
    grammar.SetObjective: objectives.set_objective,
    grammar.ObjectiveHistory: objective_history.objective_history,
    grammar.GiveAdvice: advice.give_advice,
    grammar.OpenAdviceForm: advice.open_advice_form,
    grammar.ReviewRecording: recordings.review_recording,
    grammar.RecordOutcome: clients.record_outcome,
    grammar.ShowClient: clients.show_client,
    grammar.SetClientBand: clients.set_band,
    grammar.CloseClient: clients.close_client,
    grammar.ReopenClient: clients.reopen_client,
    grammar.ShowCaseload: clients.show_caseload,
    grammar.LogPractice: practice.log_practice,
    grammar.OpenLogForm: practice.open_log_form,
    grammar.Status: practice.status,
    grammar.Home: home.home,
    grammar.DigestRequest: digests.digest_command,
    grammar.Pause: away.pause,
    grammar.Resume: away.resume,
    grammar.AddHoliday: away.add_holiday,
    grammar.NotesVisibility: rights.notes_visibility,
    grammar.WriteNote: notes.write_note,
    grammar.ListNotes: notes.list_notes,
    grammar.Prepare: prep.prepare,
    grammar.PauseNotes: notes.pause_notes,
    grammar.HandOverCoach: groups.hand_over_coach,
    grammar.Forget: rights.forget,
    grammar.Export: rights.export,
}

_BUTTONS: dict[str, Callable[[Context, str], Result]] = {
    CHECK_IN_ACTION: practice.open_check_in,
    rights.FORGET_CONFIRM: rights.confirm_forget,
    notes.ARCHIVE_ACTION: notes.archive_note,
    prep.INTENTION_ACTION: prep.open_intention_form,
    MEETING_PREP_ACTION: meetings.open_prep_form,
    MEETING_FEEDBACK_ACTION: meetings.open_feedback_form,
    home.PICK_GROUP_ACTION: home.pick_group,
    home.CLIENT_ACTION: home.open_client,
    home.PREVIEW_ACTION: home.preview_digest,
    home.POST_ACTION: home.post_digest,
    **{
        resurface_action(a): (lambda ctx, value, a=a: notes.press_resurfacing(ctx, value, a))
        for a in (*RESURFACE_ASK, *RESURFACE_ANSWERS)
    },
    **{follow_up_action(a): (lambda ctx, value, a=a: advice.press_follow_up(ctx, value, a)) for a in FOLLOW_UP_ANSWERS},
    **{review_action(a): (lambda ctx, value, a=a: objectives.answer_review(ctx, value, a)) for a in REVIEW_ANSWERS},
}

_FORMS: dict[str, Callable[[Context, dict[str, str], Values], Result]] = {
    objectives.FORM_KIND: objectives.submit_objective_form,
    objectives.REVIEW_FORM_KIND: objectives.submit_review,
    advice.FORM_KIND: advice.submit_advice_form,
    advice.ANSWER_FORM_KIND: advice.submit_follow_up_form,
    practice.CHECK_IN_FORM_KIND: practice.submit_check_in,
    practice.LOG_FORM_KIND: practice.submit_log_form,
    notes.RECALL_FORM_KIND: notes.submit_recall,
    notes.REFINE_FORM_KIND: notes.submit_refine,
    prep.INTENTION_FORM_KIND: prep.submit_intention,
    meetings.PREP_FORM_KIND: meetings.submit_prep,
    meetings.FEEDBACK_FORM_KIND: meetings.submit_feedback,
}

BUTTON_ACTIONS = frozenset(_BUTTONS) | {SAVE_ANYWAY}
FORM_KINDS = frozenset(_FORMS)


def run_command(ctx: Context, command: grammar.Command) -> Result:
    return _COMMANDS[type(command)](ctx, command)


def press(ctx: Context, action: str, value: str) -> Result:
    handler = _BUTTONS.get(action)
    if handler is None:
        raise UsageError("That button is not one I know.", grammar.USAGE["help"])
    return handler(ctx, value)


def submit(ctx: Context, form_kind: str, context: dict[str, str], values: Values) -> Result:
    handler = _FORMS.get(form_kind)
    if handler is None:
        raise UsageError("That form is not one I know.", grammar.USAGE["help"])
    return handler(ctx, context, values)
