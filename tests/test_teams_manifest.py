"""The Teams app package is valid for Teams, and its command menus are the grammar's subcommands."""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

import pytest

from bot.grammar import SUMMARIES, USAGE
from handlers.teams.package import APP_PACKAGE, write_package
from handlers.teams.render import plain

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT.parent / "shared" / "teams-manifest-schema"
APP_ID = "0b4f5a3e-7c1d-4e2f-9a8b-6c5d4e3f2a1b"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RGBA = 6
MENU_LIMIT = 12  # commands a Teams menu shows (the manifest schema's maxItems)


@pytest.fixture
def package(tmp_path):
    write_package(tmp_path / "app.zip", APP_ID)
    with zipfile.ZipFile(tmp_path / "app.zip") as opened:
        yield opened


@pytest.fixture
def manifest(package):
    return json.loads(package.read("manifest.json"))


def test_the_manifest_matches_the_schema_of_its_version(manifest):
    schema = SCHEMAS / f"v{manifest['manifestVersion']}" / "MicrosoftTeams.schema.json"
    if not schema.exists():
        pytest.skip(f"The Teams manifest schema is not at {schema}")
    import jsonschema

    jsonschema.Draft4Validator(json.loads(schema.read_text())).validate(manifest)


def test_the_schema_address_names_the_manifest_version(manifest):
    assert f"/teams/v{manifest['manifestVersion']}/MicrosoftTeams.schema.json" in manifest["$schema"]


def test_the_app_and_its_bot_have_the_app_id(manifest):
    [bot] = manifest["bots"]
    assert manifest["id"] == bot["botId"] == APP_ID


def test_each_scope_has_a_menu_and_together_they_offer_every_subcommand(manifest):
    [bot] = manifest["bots"]
    menus = {scope: menu["commands"] for menu in bot["commandLists"] for scope in menu["scopes"]}
    assert sorted(menus) == sorted(bot["scopes"])
    offered = [command["title"] for commands in menus.values() for command in commands]
    assert set(offered) == set(USAGE)
    assert all(offered.count(name) == 1 for name in USAGE if name != "help")
    for command in (command for commands in menus.values() for command in commands):
        assert command["description"] == plain(SUMMARIES[command["title"]])


def test_no_menu_holds_more_commands_than_teams_shows(manifest):
    [bot] = manifest["bots"]
    sizes = [len(menu["commands"]) for menu in bot["commandLists"]]
    assert sum(sizes) == len(USAGE) + 1  # help is in both
    assert max(sizes) <= MENU_LIMIT


def test_the_package_holds_the_manifest_and_icons_at_its_root(package):
    assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
    for icon in ("color.png", "outline.png"):
        assert package.read(icon) == (APP_PACKAGE / icon).read_bytes()


@pytest.mark.parametrize("icon, side", [("color.png", 192), ("outline.png", 32)])
def test_the_icons_are_the_sizes_teams_asks_for(icon, side):
    data = (APP_PACKAGE / icon).read_bytes()
    assert data.startswith(PNG_SIGNATURE) and data[12:16] == b"IHDR"
    width, height, bit_depth, colour_type = struct.unpack(">IIBB", data[16:26])
    assert (width, height) == (side, side)
    assert (bit_depth, colour_type) == (8, RGBA)  # the outline needs its transparency


@pytest.mark.parametrize("app_id", ["", "not-a-guid", APP_ID + "0", "{" + APP_ID + "}", APP_ID.replace("-", "")])
def test_an_app_id_that_is_not_a_guid_is_refused_and_nothing_is_written(tmp_path, app_id):
    with pytest.raises(ValueError, match="must be a GUID"):
        write_package(tmp_path / "app.zip", app_id)
    assert not (tmp_path / "app.zip").exists()
