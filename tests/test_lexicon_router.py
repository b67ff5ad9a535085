"""The lexicon's decisions (nlp/lexicon_router.py) on the project's own spaCy pipeline.

The messages here are written for this test; tests/test_nlu_holdout.py measures the whole
NLU on messages written by someone else.
"""

import pytest
import spacy

from actions.factors import PIPELINE_DIR
from nlp.lexicon_router import routed_intent

NLP = spacy.load(PIPELINE_DIR)


def route(text: str, intent: str, ranking=()):
    return routed_intent(NLP(text), intent, list(ranking))


@pytest.mark.parametrize(
    "text",
    [
        "quick one about lanreotide, also his throat is swelling up while he flushes",
        "three days after the embolization she has a temp of 103.5 and the shakes",
        "temperature 39.8 since the procedure",
        "my grandma's lips look blue and she is gasping",
        "he is coughing up bright red blood",
        "the pain in his belly is unbearable",
        "her face is drooping on one side",
        "i don't want to be alive anymore",
        "he says everyone would be better off without me",
        "she can't breathe properly and is scared",
        # a vital sign far out of range, many pills at once, signs of bleeding inside
        "his pulse is 175 and he is dizzy",
        "blood sugar 38 and she is sweating",
        "i swallowed 30 of my sleeping pills",
        "he has taken a whole month's worth of his tablets tonight",
        "found dad beside an empty bottle of his sleeping tablets",
        "honestly i would rather just die than go through more chemo",
        "i started giving away my stuff to my nieces this week",
        "his stool has been black since last night",
        "out of nowhere my mom has no idea where she is",
        "since lunch he's confused, seeing people in the room, what is prrt by the way",
        # a history, and something happening now
        "he had a stroke last year and now his face is drooping again",
        "she passed out two years ago and this morning she passed out again",
    ],
)
def test_a_described_emergency_is_an_emergency_whatever_the_classifier_said(text):
    assert route(text, "ask_liver_directed_therapy") == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "can surgery help with pain from the tumor",
        "no chest pain, just tired all the time",
        "does chemo make you lose your hair",
        "is a temperature check part of the follow up",
        "the scan of his chest was clear",
        # negations and figures of speech
        "i'm not suicidal, just sad about all this",
        "i am not going to hurt myself, i just need someone to talk to",
        "i'm dying to know if the trial is open",
        "he took 2 tylenol for the headache",
        "her resting heart rate is 70",
        # a history told to explain a situation
        "he had a stroke last year so they wont do surgery",
        "she had a heart attack in 2019, can she still get prrt",
        "he had a seizure years ago, is chemo ok for him",
    ],
)
def test_ordinary_questions_are_not_emergencies(text):
    assert route(text, "ask_surgery") != "emergency"


def test_not_an_emergency_takes_back_the_word_and_the_classifiers_guess():
    ranking = [{"name": "emergency"}, {"name": "ask_support"}]
    assert route("this is not an emergency, i just feel low", "emergency", ranking) == "ask_support"
    assert route("not an emergency but my throat is closing", "ask_support") == "emergency"


def test_an_unsure_reading_that_ranks_emergency_high_is_an_emergency():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.4},
        {"name": "ask_surgery", "confidence": 0.3},
        {"name": "emergency", "confidence": 0.25},
    ]
    assert route("he is really not himself tonight", "nlu_fallback", ranking) == "emergency"
    low = [
        dict(guess, confidence=0.05) if guess["name"] == "emergency" else guess for guess in ranking
    ]
    assert route("he is really not himself tonight", "nlu_fallback", low) is None
    # a sure reading of something else stands
    assert route("he is really not himself tonight", "ask_support", ranking) is None


def test_another_cancer_without_a_net_is_another_condition():
    assert route("how is radiation given for prostate cancer", "ask_radiation_therapy") == (
        "ask_other_condition"
    )
    assert route("my mum has a net and had breast cancer, what is prrt", "ask_prrt") is None


def test_a_named_drug_leads_to_its_topic_and_an_aspect_outside_the_page_wins():
    assert route("tell me about sutent", "nlu_fallback") == "ask_targeted_therapy"
    assert route("is TACE like chemo", "ask_chemotherapy") == "ask_liver_directed_therapy"
    assert route("side effects of capecitabine", "ask_chemotherapy") == "ask_not_covered"
    assert route("octreotide dose for adults", "ask_personal_advice") is None
    # a schedule, how NETs are found and how common they are: not on the page either
    assert route("how many cycles of prrt do people get", "ask_prrt") == "ask_not_covered"
    assert route("how is a net detected in the first place", "ask_where_nets_occur") == (
        "ask_not_covered"
    )
    assert route("how common is it to get a carcinoid", "ask_where_nets_occur") == (
        "ask_not_covered"
    )
    assert route("best treatment for squamous cell carcinoma", "ask_treatment_factors") == (
        "ask_other_condition"
    )
    assert route("are there new treatments for dementia", "ask_clinical_trials") == (
        "ask_other_condition"
    )
    assert route("what helps with parkinson's", "ask_insurance") == "ask_other_condition"
    assert route("can fibroids be treated through the artery", "ask_liver_directed_therapy") == (
        "ask_other_condition"
    )
    assert route("how does radioactive iodine treatment work", "ask_prrt") == "ask_other_condition"
    assert route("best options for eczema on the hands", "ask_treatment_factors") == (
        "ask_other_condition"
    )
    assert route("it is breast cancer, not a net. what could she try", "explore_options") == (
        "ask_other_condition"
    )
    # a NET drug names the NET; a NET and an aspect outside the page make a question
    assert route("can octreotide give you gallstones", "ask_not_covered") is None
    assert route("is a carcinoid hereditary", "thank") == "ask_not_covered"
    assert route("how does staging work for nets", "ask_treatment_factors") == "ask_not_covered"
    assert route("does an endoscopy show a net", "ask_where_nets_occur") == "ask_not_covered"
    assert route("stage 4 net treatment options", "ask_treatment_factors") is None


def test_definitions_and_factor_answers():
    assert route("what does metastasized mean", "ask_spread") == "ask_term_meaning"
    assert route("what's a catheter", "ask_capabilities") == "ask_term_meaning"
    assert route("what does liver spread mean for treatment", "ask_spread") is None
    assert route("yes, in the liver", "affirm") == "inform"
