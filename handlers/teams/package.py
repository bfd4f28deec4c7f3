"""The Teams app package: the zip uploaded to Teams, with the manifest and its two icons.

`app_package/manifest.json` holds everything but what belongs to a deployment or to other
owners: the app and bot id (the configured app id), the version (the project's) and the
bot's command menus (the grammar's subcommands), which are filled in here.
"""

from __future__ import annotations

import json
import zipfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bot.config import is_guid
from bot.grammar import SUMMARIES, USAGE
from handlers.teams.render import plain

APP_PACKAGE = Path(__file__).with_name("app_package")
ICONS = ("color.png", "outline.png")
# In a channel everyone sees the bot's replies, so the channel's menu offers the commands about
# the group and the 1:1 chat's the rest, about one's own data; both offer help. The menus only
# suggest: any subcommand can be typed in either place. The coach looks at a member's caseload
# and records a recording of theirs reviewed from the channel, and one preps for a session or looks
# at one's status from wherever one is (their answers are private); Teams shows at most 12 commands
# in a menu, and the chat's holds `home`.
CHANNEL_MENU = (
    "setup",
    "join",
    "leave",
    "coach",
    "advice",
    "recording",
    "digest",
    "holiday",
    "caseload",
    "prep",
    "status",
)


def write_package(out: Path, app_id: str) -> None:
    """Write the app package for the Teams app (and its bot) `app_id` to the zip `out`."""
    manifest = app_manifest(app_id)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        for icon in ICONS:
            package.write(APP_PACKAGE / icon, icon)


def app_manifest(app_id: str) -> dict[str, Any]:
    if not is_guid(app_id):
        raise ValueError(f"the Teams app id must be a GUID like 00000000-0000-0000-0000-000000000000, not {app_id!r}")
    manifest = json.loads((APP_PACKAGE / "manifest.json").read_text(encoding="utf-8"))
    [bot] = manifest["bots"]
    manifest["id"] = bot["botId"] = app_id
    manifest["version"] = version("supervision-bot")
    personal_menu = [name for name in USAGE if name not in (*CHANNEL_MENU, "help")]
    bot["commandLists"] = [_command_list("team", CHANNEL_MENU), _command_list("personal", personal_menu)]
    return manifest


def _command_list(scope: str, names: tuple[str, ...] | list[str]) -> dict[str, Any]:
    commands = [{"title": name, "description": plain(SUMMARIES[name])} for name in ("help", *names)]
    return {"scopes": [scope], "commands": commands}
