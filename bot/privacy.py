"""Keeping identifying details out: every free text is screened before it is stored or
posted, and a user's "it is not identifying" is recorded in the audit log, without the text."""

from __future__ import annotations

from dataclasses import dataclass

SAVE_ANYWAY = "identifier:save_anyway"
KIND_LABELS = {
    "name": "a name",
    "date_of_birth": "a date tied to a person",
    "age_over_89": "an age over 89",
    "phone": "a phone number",
    "email": "an email address",
    "street_address": "a street address",
    "record_number": "a record or ID number",
}


@dataclass(frozen=True)
class Flag:
    field: str
    kind: str
    text: str

    def __str__(self) -> str:
        return f"“{self.text}” ({KIND_LABELS.get(self.kind, self.kind)})"


class LooksIdentifying(Exception):
    """Free text that looks as if it identifies someone; nothing was stored."""

    def __init__(self, flags: list[Flag]):
        super().__init__(", ".join(map(str, flags)))
        self.flags = flags


def screen(texts: dict[str, str | None]) -> list[Flag]:
    # Imported on first use: the detector's name lists cost memory that `tick` never needs.
    from bot.identifiers import find_identifiers

    return [
        Flag(field, finding.kind, finding.text)
        for field, text in texts.items()
        if text
        for finding in find_identifiers(text)
    ]


def listed(flags: list[Flag]) -> str:
    return ", ".join(str(flag) for flag in flags)
