"""The walk-through as people use it: real messages over REST, with the action server running."""

import re
import uuid

import pytest

from support import domain

RESPONSES = domain()["responses"]


def opening(response: str, variation: int = -1) -> str:
    """The fixed start of a response's text, up to its first fill-in."""
    return re.split(r"\{\w+\}", RESPONSES[response][variation]["text"])[0][:60]


def texts(replies) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


class Conversation:
    def __init__(self, servers):
        self.servers, self.sender = servers, f"walkthrough-{uuid.uuid4().hex[:8]}"

    def say(self, message: str) -> str:
        return texts(self.servers.rest(self.sender, message))


@pytest.fixture
def chat(servers):
    return Conversation(servers)


def test_all_three_factors_in_the_first_message_are_explained_in_the_first_reply(chat):
    said = chat.say(
        "my mom has a hormone-producing NET in her small intestine that spread to the liver, what are her options?"
    )
    for question in ("utter_ask_tumor_site", "utter_ask_hormone_status", "utter_ask_tumor_spread"):
        assert opening(question) not in said
    assert said.index(opening("utter_fit_in_short")) < said.index(opening("utter_fit_closing"))
    assert "the gut (GI tract)" in said and "has spread to the liver" in said
    # the page's words for this situation, removal not yet known
    assert "Liver-directed therapies" in said
    assert "in some cases, removing the tumor and the places it spread to can cure it" in said
    assert "first used for NETs that make hormones, like this one" in said


def test_one_factor_per_turn_is_explained_right_after_the_third_answer(chat):
    assert opening("utter_ask_tumor_site") in chat.say("/explore_options")
    assert opening("utter_ask_hormone_status") in chat.say("pancreas, they think")
    assert opening("utter_ask_tumor_spread") in chat.say("we really don't know that")
    said = chat.say('/inform{"tumor_spread":"not_spread"}')
    assert "the pancreas" in said and "may or may not make hormones" in said
    assert "Liver-directed" not in said
    assert opening("utter_fit_hormones_not_sure") in said


def test_what_the_care_team_said_narrows_the_explanation(chat):
    chat.say("my dad's lung NET doesn't make hormones and has spread to his bones, what now")
    said = chat.say("the surgeon told us they can't get all of it out")
    assert "complete cure is not possible" in said
    assert "may cure" not in said and "can cure" not in said
    said = chat.say('/refine_options{"surgery_concern":"yes"}')
    assert "You said surgery would be hard" in said
    assert "complete cure is not possible" in said  # the earlier refinement still holds


def test_a_changed_answer_replaces_the_earlier_one(chat):
    chat.say("help me understand treatment options for my dad")
    chat.say("stomach")
    assert opening("utter_ask_tumor_spread") in chat.say("non-functional")
    chat.say("oh wait, I mixed it up, it's in the lung")  # answers no question; the form asks on
    said = chat.say("hasn't spread")
    assert "started in the lung" in said and "the GI" not in said


def test_a_topic_question_mid_walkthrough_is_answered_then_it_resumes(chat):
    chat.say("what are my options")
    said = chat.say("what is prrt?")
    assert opening("utter_prrt") in said
    assert opening("utter_ask_tumor_site") in said  # back to the question it was on
    assert opening("utter_ask_hormone_status") in chat.say("lung")


def test_stop_leaves_kindly_and_says_how_to_come_back(chat):
    chat.say("what treatments fit my wife's tumor")
    said = chat.say("stop")
    assert opening("utter_walkthrough_stopped") in said
    assert opening("utter_greet") in chat.say("hello")


def test_two_answers_it_cannot_place_become_not_sure(chat):
    chat.say("walk me through my options")
    assert opening("utter_ask_tumor_site", 0) in chat.say("somewhere in her belly i think")
    said = chat.say("near the tummy")
    assert opening("utter_factor_marked_not_sure") in said
    assert opening("utter_ask_hormone_status") in said


def test_an_off_topic_reply_is_a_miss_not_the_end_of_the_walkthrough(chat):
    chat.say("walk me through my options")
    said = chat.say("purple elephant")
    assert opening("utter_out_of_scope") not in said
    assert opening("utter_ask_tumor_site", 0) in said  # "Sorry, I didn't catch that..."
    assert opening("utter_ask_hormone_status") in chat.say("in his kidney")


def test_a_correction_after_the_explanation_explains_again(chat):
    said = chat.say(
        "my sister has a non-functional net in her pancreas that hasn't spread, what are the options"
    )
    assert "the pancreas" in said
    said = chat.say("sorry, I was wrong, it started in her lung")
    assert "started in the lung" in said
    assert opening("utter_fit_site") in said
