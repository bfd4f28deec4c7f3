"""Core messages and forms as Teams' Adaptive Cards: literal user text, mentions, parts, forms."""

from __future__ import annotations

import json

import pytest

from bot.forms import NOT_IDENTIFYING, FieldKind, Form, FormField
from bot.messages import Bold, Button, Command, Mention, Message, Section, line
from handlers.teams import render

ANN = "29:1ann"
BOB = "29:2bob"


def texts(card: dict) -> list[str]:
    return [element["text"] for element in card["body"] if element["type"] == "TextBlock"]


def only_card(message: Message, names=None) -> dict:
    (card,) = render.message_cards(message, names)
    return render.card_json(card)


# User text is shown literally.


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("**x**", r"\*\*x\*\*"),
        ("_x_", r"\_x\_"),
        ("snake_case", r"snake\_case"),
        ("~~x~~ and `x`", r"\~\~x\~\~ and \`x\`"),
        ("[a](http://e.vil)", r"\[a\](http://e.vil)"),
        ("![i](http://e.vil/i.png)", r"!\[i\](http://e.vil/i.png)"),
        ("<at>Bob</at>", "‹at›Bob‹/at›"),
        ("<http://e.vil>", "‹http://e.vil›"),
        ("1. x", r"1\. x"),
        ("2) x", r"2\) x"),
        ("- x", r"\- x"),
        ("+ x", r"\+ x"),
        ("---", r"\---"),
        ("# x", r"\# x"),
        ("> x", "› x"),
        ("a\\b \\*", r"a\\b \\\*"),
        ("&amp; &#60; & b", r"\&amp; \&#60; & b"),
        ("{{DATE(2017-02-14T06:00:00Z, SHORT)}}", r"{\{DATE(2017-02-14T06:00:00Z, SHORT)}}"),
        ("{{{x", r"{\{\{x"),
        ("first\n- second\r\n    third", "first\n\n\\- second\n\n\u00a0\u00a0\u00a0\u00a0third"),
        ("plain words, 10:30-11:00 (C12).", "plain words, 10:30-11:00 (C12)."),
    ],
)
def test_user_text_never_formats(typed, shown):
    assert texts(only_card(Message.text(typed))) == [shown]


def test_a_line_start_is_escaped_only_where_a_line_starts():
    message = Message.text(line(Bold("Objective: "), "- keep 1. going\n1. again"))
    assert only_card(message)["body"][0]["text"] == "**Objective:** - keep 1. going\n\n1\\. again"


def test_user_text_in_bold_cannot_end_the_bold():
    assert only_card(Message.text(line(Bold(" a**b "), "x")))["body"][0]["text"] == r" **a\*\*b** x"


def test_a_typed_mention_tag_is_not_the_mention_of_someone_the_card_mentions():
    card = only_card(Message.text(line(Mention(ANN), " wrote <at>Ann</at>")), {ANN: "Ann"})
    assert card["body"][0]["text"] == "<at>Ann</at> wrote ‹at›Ann‹/at›"


# Mentions.


def test_a_mention_with_a_name_is_an_at_tag_with_its_entity_and_one_without_is_neutral():
    card = only_card(Message.text(line(Mention(ANN), " and ", Mention(BOB), " and ", Mention(ANN))), {ANN: "Ann"})
    assert card["body"][0]["text"] == "<at>Ann</at> and a group member and <at>Ann</at>"
    assert card["msteams"]["entities"] == [
        {"type": "mention", "text": "<at>Ann</at>", "mentioned": {"id": ANN, "name": "Ann"}}
    ]
    assert BOB not in json.dumps(card)


def test_a_card_without_a_known_name_has_no_entities():
    assert "msteams" not in only_card(Message.text(line(Mention(BOB))), {ANN: "Ann"})


def test_a_display_name_cannot_break_out_of_its_mention():
    card = only_card(Message.text(line(Mention(ANN))), {ANN: "</at>**Eve** [x](http://e.vil)"})
    tag = r"<at>‹/at›\*\*Eve\*\* \[x\](http://e.vil)</at>"
    assert card["body"][0]["text"] == tag
    assert card["msteams"]["entities"][0]["text"] == tag
    assert card["msteams"]["entities"][0]["mentioned"]["name"] == "</at>**Eve** [x](http://e.vil)"


# Messages: headings, buttons, parts.


def test_a_heading_is_bold_and_each_line_is_its_own_wrapped_text_block():
    card = only_card(Message.text("one", "", "two", heading="Weekly *check-in*"))
    assert card["version"] == "1.5"
    assert card["body"] == [
        {"type": "TextBlock", "text": r"Weekly \*check-in\*", "weight": "Bolder", "wrap": True},
        {"type": "TextBlock", "text": "one", "wrap": True},
        {"type": "TextBlock", "text": " ", "wrap": True},
        {"type": "TextBlock", "text": "two", "wrap": True},
    ]


def test_the_summary_shows_only_when_there_is_nothing_else():
    assert texts(only_card(Message(summary="Your practice"))) == ["Your practice"]
    assert texts(only_card(Message(summary="Hidden", sections=(Section((line("shown"),)),)))) == ["shown"]


def test_buttons_come_last_and_each_press_arrives_as_a_task_fetch():
    buttons = (
        Button("Applied", "follow_up:applied", "7", "primary"),
        Button("Save anyway", "save_anyway", "tok", "danger"),
        Button("Later", "later", "7"),
    )
    card = only_card(Message(summary="s", sections=(Section((line("text"),)),), buttons=buttons))
    assert card["body"][-1] == {
        "type": "ActionSet",
        "actions": [
            {
                "type": "Action.Submit",
                "title": "Applied",
                "style": "positive",
                "data": {"msteams": {"type": "task/fetch"}, "action": "follow_up:applied", "value": "7"},
            },
            {
                "type": "Action.Submit",
                "title": "Save anyway",
                "style": "destructive",
                "data": {"msteams": {"type": "task/fetch"}, "action": "save_anyway", "value": "tok"},
            },
            {
                "type": "Action.Submit",
                "title": "Later",
                "data": {"msteams": {"type": "task/fetch"}, "action": "later", "value": "7"},
            },
        ],
    }


def digest_like(lines: int, people: list[str]) -> Message:
    objective = "Übung: notice *when* I rush_to <fix> [things] – “slow down” & wait… " * 2
    rows = [line("• ", Mention(people[i % len(people)]), f": line {i:03d} ", objective) for i in range(lines)]
    sections = tuple(Section(tuple(rows[start : start + 50]), f"Part {start}") for start in range(0, lines, 50))
    return Message(summary="Practice digest", sections=sections, buttons=(Button("Open", "open", "1"),))


def test_a_long_message_is_split_into_parts_under_the_size_limit_with_every_line_once():
    people = [f"29:person{n}" for n in range(20)]
    names = {user_id: f"Person Ünïcödé {n}" for n, user_id in enumerate(people)}
    parts = [render.card_json(card) for card in render.message_cards(digest_like(300, people), names)]
    assert len(parts) > 1
    assert all(len(json.dumps(part)) < render.MAX_PART_BYTES for part in parts)
    numbered = [text for part in parts for text in texts(part) if ": line " in text]
    assert [text.split(": line ")[1][:3] for text in numbered] == [f"{i:03d}" for i in range(300)]
    assert [part["body"][-1]["type"] for part in parts].count("ActionSet") == 1
    assert parts[-1]["body"][-1]["type"] == "ActionSet"


def test_each_part_has_the_entities_of_the_mentions_in_it_and_no_others():
    people = [f"29:person{n}" for n in range(40)]
    names = {user_id: f"Person {n}" for n, user_id in enumerate(people)}
    for part in map(render.card_json, render.message_cards(digest_like(300, people), names)):
        shown = " ".join(texts(part))
        entities = part["msteams"]["entities"]
        assert sorted(entity["text"] for entity in entities) == sorted(
            {f"<at>Person {n}</at>" for n in range(40) if f"<at>Person {n}</at>" in shown}
        )


# Notifications: plain text.


def test_the_fallback_text_is_the_summary_without_markup():
    message = Message(summary=line(Bold("Check in"), " with ", Command("checkin"), ", ", Mention(ANN), " *now*"))
    assert render.fallback_text(message) == "Check in with practice checkin, a group member *now*"


# Forms.


def every_kind_of_field() -> Form:
    return Form(
        kind="log",
        title="Log practice",
        submit_label="Save",
        context={"group": "G1"},
        intro="Log what you *practised*.",
        fields=(
            FormField("activity", "Activity", max_length=200, hint=line("As in ", Command("log 30 …"))),
            FormField("note", "Note", FieldKind.LONG_TEXT, required=False, max_length=1000),
            FormField("minutes", "Minutes", FieldKind.NUMBER, initial="30", low=1, high=600),
            FormField("when", "When", FieldKind.DATE, initial="2026-03-02"),
            FormField("progress", "Progress", FieldKind.CHOICE, choices=(("1", "A little"), ("2", "Some"))),
            FormField("coach", "Coach", FieldKind.USER, required=False, initial=BOB),
            NOT_IDENTIFYING,
        ),
    )


PEOPLE = ((ANN, "Ann"), (BOB, "Bob"))


def inputs(card: dict) -> dict[str, dict]:
    return {element["id"]: element for element in card["body"] if element["type"].startswith("Input.")}


def test_each_kind_of_field_is_its_adaptive_card_input():
    card = render.card_json(render.form_card(every_kind_of_field(), people=PEOPLE))
    required = {"isRequired": True, "errorMessage": render.REQUIRED}
    assert inputs(card) == {
        "activity": {
            "type": "Input.Text",
            "id": "activity",
            "label": "Activity",
            **required,
            "maxLength": 200,
            "isMultiline": False,
        },
        "note": {
            "type": "Input.Text",
            "id": "note",
            "label": "Note",
            "isRequired": False,
            "maxLength": 1000,
            "isMultiline": True,
        },
        "minutes": {
            "type": "Input.Number",
            "id": "minutes",
            "label": "Minutes",
            **required,
            "value": 30,
            "min": 1,
            "max": 600,
        },
        "when": {"type": "Input.Date", "id": "when", "label": "When", **required, "value": "2026-03-02"},
        "progress": {
            "type": "Input.ChoiceSet",
            "id": "progress",
            "label": "Progress",
            **required,
            "choices": [{"title": "A little", "value": "1"}, {"title": "Some", "value": "2"}],
            "style": "compact",
        },
        "coach": {
            "type": "Input.ChoiceSet",
            "id": "coach",
            "label": "Coach",
            "isRequired": False,
            "value": BOB,
            "choices": [{"title": "Ann", "value": ANN}, {"title": "Bob", "value": BOB}],
            "style": "compact",
        },
        "not_identifying": {
            "type": "Input.Toggle",
            "id": "not_identifying",
            "label": NOT_IDENTIFYING.label,
            "isRequired": False,
            "value": "",
            "title": "It is not identifying: save anyway",
            "valueOn": "yes",
            "valueOff": "",
        },
    }


def test_a_form_has_its_intro_escaped_its_hints_subtle_and_one_submit_with_its_kind_and_context():
    card = render.card_json(render.form_card(every_kind_of_field(), submit_data={"opener": "log"}))
    assert card["body"][0] == {"type": "TextBlock", "text": r"Log what you \*practised\*.", "wrap": True}
    assert card["body"][2] == {"type": "TextBlock", "text": "As in “practice log 30 …”", "wrap": True, "isSubtle": True}
    assert card["actions"] == [
        {
            "type": "Action.Submit",
            "title": "Save",
            "data": {
                "form_kind": "log",
                "form_context": {"group": "G1"},
                "form_fields": {field.name: field.kind.value for field in every_kind_of_field().fields},
                "opener": "log",
            },
        }
    ]


def test_an_error_sits_right_after_its_field_and_others_at_the_top():
    errors = {"minutes": "Enter a number from 1 to 600.", "group": "You left the *group*."}
    body = render.card_json(render.form_card(every_kind_of_field(), errors=errors))["body"]
    ids = [element.get("id") or element.get("text") for element in body]
    assert ids[0] == r"You left the \*group\*."
    assert ids[ids.index("minutes") + 1] == "Enter a number from 1 to 600."
    assert body[ids.index("minutes") + 1]["color"] == "Attention"


def test_submitted_values_show_again_instead_of_the_initial_ones():
    values = {"minutes": "45", "coach": None, "not_identifying": "yes", "note": "typed\nhere"}
    fields = inputs(render.card_json(render.form_card(every_kind_of_field(), values=values, people=PEOPLE)))
    assert fields["minutes"]["value"] == 45
    assert "value" not in fields["coach"]
    assert fields["not_identifying"]["value"] == "yes"
    assert fields["note"]["value"] == "typed\nhere"
    assert fields["when"]["value"] == "2026-03-02"


def test_submitted_values_round_trip_each_kind_of_field():
    form = every_kind_of_field()
    values = {
        "activity": "role play",
        "note": "<b>kept</b> *as typed*",
        "minutes": "45",
        "when": "2026-03-09",
        "progress": "2",
        "coach": ANN,
        "not_identifying": "yes",
    }
    card = render.card_json(render.form_card(form, values=values, people=PEOPLE))
    submitted = {name: element["value"] for name, element in inputs(card).items()}  # as Teams sends them back
    submitted |= card["actions"][0]["data"]
    assert render.submitted_values(submitted) == values


@pytest.mark.parametrize(
    ("sent", "value"),
    [(30, "30"), (30.0, "30"), ("30", "30"), ("30.0", "30"), (" 7 ", "7"), (1.5, "1.5"), ("abc", "abc")],
)
def test_a_submitted_number_is_its_digits(sent, value):
    form = Form("f", "F", "Save", (FormField("minutes", "Minutes", FieldKind.NUMBER),))
    submit = render.card_json(render.form_card(form))["actions"][0]["data"]
    assert render.submitted_values({**submit, "minutes": sent}) == {"minutes": value}


def test_an_empty_or_missing_input_and_a_toggle_left_off_are_none():
    form = every_kind_of_field()
    submit = render.card_json(render.form_card(form))["actions"][0]["data"]
    assert render.submitted_values({**submit, "activity": "", "not_identifying": ""}) == {
        field.name: None for field in form.fields
    }


def test_a_submission_without_the_forms_fields_has_no_values():
    assert render.submitted_values({"activity": "role play"}) == {}


# Dialogs.


def test_a_dialog_is_the_card_as_a_task_module_continue_response():
    card = render.form_card(every_kind_of_field())
    assert render.dialog(card, "Log practice") == {
        "task": {
            "type": "continue",
            "value": {
                "title": "Log practice",
                "card": {"contentType": "application/vnd.microsoft.card.adaptive", "content": render.card_json(card)},
            },
        }
    }


def test_a_dialog_message_closes_the_dialog_with_a_text():
    assert render.dialog_message("Saved.") == {"task": {"type": "message", "value": "Saved."}}


def test_a_mention_the_core_named_is_a_real_mention_and_a_roster_name_wins():
    message = Message.text(line("Advice from ", Mention("29:cora", "Cora"), " and ", Mention("29:dan", "Dan")))
    card = render.card_json(render.message_cards(message, {"29:dan": "Dan Dunn"})[0])
    assert card["body"][0]["text"] == "Advice from <at>Cora</at> and <at>Dan Dunn</at>"
    assert {e["mentioned"]["name"] for e in card["msteams"]["entities"]} == {"Cora", "Dan Dunn"}
    assert render.plain(line(Mention("29:cora", "Cora"), " · ", Mention("29:eve"))) == "Cora · a group member"
