"""Platform-neutral forms (a Slack modal, a Teams card, a sequence of shell prompts).

A form carries `context`, which comes back with the submission. Front-ends may keep it
anywhere (Slack: private_metadata), so the core never trusts it alone: every submission
is checked again against who is submitting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from bot.messages import Line


class FieldKind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    DATE = "date"
    NUMBER = "number"
    CHOICE = "choice"
    USER = "user"
    TICK = "tick"  # one box to tick; its value is "yes" when ticked


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = True
    initial: str | None = None
    hint: str | Line | None = None
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    max_length: int | None = None
    low: int | None = None
    high: int | None = None
    decimal: bool = False  # a NUMBER with one decimal place allowed, like a score of 23.5


@dataclass(frozen=True)
class Form:
    kind: str
    title: str
    submit_label: str
    fields: tuple[FormField, ...]
    context: dict[str, str] = field(default_factory=dict)
    intro: str | None = None


WHOLE = r"\d{1,6}"
DECIMAL = r"\d{1,6}(\.\d)?"
Values = dict[str, str | None]
Errors = dict[str, str]


def check_fields(form: Form, submitted: Values) -> tuple[Values, Errors]:
    """The checks every field declares: required, length, number range, date, choice."""
    clean: Values = {}
    errors: Errors = {}
    for spec in form.fields:
        raw = (submitted.get(spec.name) or "").strip()
        if not raw:
            if spec.required:
                errors[spec.name] = f"{spec.label} is required."
            clean[spec.name] = None
            continue
        problem = _field_problem(spec, raw)
        if problem:
            errors[spec.name] = problem
        clean[spec.name] = raw
    return clean, errors


def _field_problem(spec: FormField, raw: str) -> str | None:
    if spec.max_length is not None and len(raw) > spec.max_length:
        return f"Keep it to {spec.max_length} characters (this is {len(raw)})."
    if spec.kind is FieldKind.NUMBER:
        if not re.fullmatch(DECIMAL if spec.decimal else WHOLE, raw):
            return "Enter a number with at most one decimal place." if spec.decimal else "Enter a whole number."
        if spec.low is not None and spec.high is not None and not spec.low <= Decimal(raw) <= spec.high:
            return f"Enter a number from {spec.low} to {spec.high}."
    if spec.kind is FieldKind.DATE:
        try:
            date.fromisoformat(raw)
        except ValueError:
            return "Enter a date as YYYY-MM-DD."
    if spec.kind in (FieldKind.CHOICE, FieldKind.TICK) and raw not in {value for value, _ in spec.choices}:
        return "Choose one of the options."
    return None


NOT_IDENTIFYING = FormField(
    "not_identifying",
    "Only if I flag something that is not about a person",
    FieldKind.TICK,
    required=False,
    choices=(("yes", "It is not identifying: save anyway"),),
)


def not_identifying(values: Values) -> bool:
    return values.get(NOT_IDENTIFYING.name) == "yes"
