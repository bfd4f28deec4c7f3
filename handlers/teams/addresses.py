"""How the Teams front-end reaches a conversation again: its id and its service URL."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Conversation:
    id: str
    service_url: str

    def to_text(self) -> str:
        return json.dumps({"id": self.id, "service_url": self.service_url}, separators=(",", ":"))

    @classmethod
    def from_text(cls, text: str | None) -> Conversation | None:
        try:
            data = json.loads(text or "")
        except json.JSONDecodeError:
            return None
        if not isinstance(data, dict) or not all(_filled(data.get(key)) for key in ("id", "service_url")):
            return None
        return cls(data["id"], data["service_url"])


def _filled(value: object) -> bool:
    return isinstance(value, str) and value != ""
