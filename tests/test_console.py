"""channels/console.py without a model: what a typed line sends, how buttons are numbered."""

import re

from channels.console import ConsoleOutput, resolve

ANSWER_BUTTONS = [
    {"title": "Radiation therapy", "payload": "/ask_radiation_therapy"},
    {"title": "Clinical trials", "payload": "/ask_clinical_trials"},
]
FEEDBACK_BUTTONS = [
    {"title": "Yes", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
]
CHOICES = ANSWER_BUTTONS + FEEDBACK_BUTTONS


def test_a_number_chooses_that_button():
    assert resolve("1", CHOICES) == ("/ask_radiation_therapy", "Radiation therapy")
    assert resolve("4", CHOICES) == ("/deny", "No")


def test_a_button_title_chooses_it_in_any_case():
    assert resolve("clinical TRIALS", CHOICES) == ("/ask_clinical_trials", "Clinical trials")
    assert resolve("yes", CHOICES) == ("/affirm", "Yes")


def test_anything_else_is_the_persons_own_message():
    typed = "can they just cut it out"
    assert resolve(typed, CHOICES) == (typed, None)
    assert resolve("yes please, and what about surgery", CHOICES)[1] is None
    assert resolve("2", []) == ("2", None)  # no buttons on screen: a number is just text


def test_a_number_without_a_button_sends_nothing():
    assert resolve("5", CHOICES) == (None, None)
    assert resolve("0", CHOICES) == (None, None)


async def test_buttons_are_numbered_on_over_one_reply(capsys):
    output = ConsoleOutput()
    await output.send_text_with_buttons("me", "PRRT delivers radiation.", ANSWER_BUTTONS)
    await output.send_text_message("me", "A note without buttons.")
    await output.send_text_with_buttons("me", "Was this helpful?", FEEDBACK_BUTTONS)

    printed = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out)  # colours
    shown = [line.strip() for line in printed.splitlines()]
    assert [line for line in shown if line[:1].isdigit()] == [
        "1: Radiation therapy",
        "2: Clinical trials",
        "3: Yes",
        "4: No",
    ]
    assert shown.index("A note without buttons.") < shown.index("Was this helpful?")
    assert output.choices == CHOICES
