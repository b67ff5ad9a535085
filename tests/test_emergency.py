"""Emergencies (nlp/emergency.py and the lexicon router's first rule), on the project's pipeline.

A clear emergency now is `emergency`, first and alone, whatever the classifier read. A worrying
word that is over, supposed, asked about as a side effect or a figure of speech keeps what the
message asks and adds the safety line. The messages are written for this test; the sealed and
development sets measure the whole NLU on messages written by others.
"""

import pytest
import spacy

from nlp.build_pipeline import PIPELINE_DIR
from nlp.emergency import Level, assess
from nlp.lexicon_router import decide

NLP = spacy.load(PIPELINE_DIR)


def route(text: str, intent: str, ranking=()):
    """(intent, safety line) as the lexicon router decides them."""
    return decide(NLP(text), intent, list(ranking))


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
        # signs with the words spaCy splits ("wont" -> "wo" "nt"), and a crisis told with a past
        "grandpa is sweaty and wont wake up properly",
        "the drain site keeps bleeding and we cant stop it",
        "we got the diagnosis a month ago and now i keep planning how to end it all",
        "my wife had her embolisation four days ago and she's shaking and burning up",
        # misspelled signs and phrases
        "grandad fanted three times in the past hour",
        "my wife is very confussed and does not know her own name",
        "his tempreture is 40.5 after the lutathera",
        "i want to kil myself tonight",
        # a measurement read out now, in other units or as a pair
        "oxygen sats are 84 and falling",
        "bp is 70/40 and she looks grey",
        "his sugar is 2.1 and he will not answer me",
        # other words for it
        "mum is out cold in the kitchen",
        "he is lying there and not moving",
        "my brother wants to finish his life",
        "my chest is killing me, not joking, it's real pain",
        # understated, a low reading, a goodbye
        "his glucose meter just says LO and his arms started jerking",
        "bp 82/50 since the infusion and she is dizzy",
        "i can't get him to keep his eyes open",
        "tonights the night, thanks for everything",
        "she is shaking so hard the whole bed rattles after the TACE",
        "her temp is really high tonight",
        # a sign's two words, and nothing else
        "his chest feels heavy and he is sweating",
        "her breathing is slow and rattly",
        "his smile looks crooked all of a sudden",
        "temp reads 103.6 tonight",
        # one clause over, another happening
        "she fainted in march, her lips are blue and she is gasping",
        # a child who ate pills, someone who cannot get up
        "my son is 3 and he eat the pills of my mother, many",
        "my neighbour is lying on her floor calling for help and i cannot get in",
        # units written on, a decimal comma
        "temp 104.2F and shivering after the lutathera",
        "heart rate 165bpm since he woke up",
        "her sugar is 2,4 and she is sweaty",
    ],
)
def test_a_described_emergency_is_an_emergency_whatever_the_classifier_said(text):
    assert assess(NLP(text)) == Level.PRESENT
    assert route(text, "ask_liver_directed_therapy") == ("emergency", False)


@pytest.mark.parametrize(
    "text",
    [
        "can surgery help with pain from the tumor",
        "no chest pain, just tired all the time",
        "does chemo make you lose your hair",
        "is a temperature check part of the follow up",
        "the scan of his chest was clear",
        "i'm not suicidal, just sad about all this",
        "i am not going to hurt myself, i just need someone to talk to",
        "she says she won't hurt herself but she is very low, who can she talk to",
        "i'm dying to know if the trial is open",
        "he took 2 tylenol for the headache",
        "her resting heart rate is 70",
        # words that sound like signs
        "i cant remember what the oncologist told us",
        "the tumour didnt respond to the first drug, what now",
        # a sign's two words far apart, a number with no pills near
        "her chest x-ray at the clinic looked normal and the surgeon explained what pain to expect",
        "we took 45 minutes to drive to the clinic for her prrt",
    ],
)
def test_ordinary_questions_are_not_emergencies(text):
    assert assess(NLP(text)) == Level.NONE
    intent, safety_line = route(text, "ask_surgery")
    assert intent != "emergency" and not safety_line


@pytest.mark.parametrize(
    "text",
    [
        # a history told to explain a situation, an event that is over
        "he had a stroke last year so they wont do surgery",
        "she had a heart attack in 2019, can she still get prrt",
        "he had a seizure years ago, is chemo ok for him",
        "mum fainted once back in march, they said it was dehydration. what is prrt",
        "he passed out once as a kid but he's been fine since, what is prrt",
        # supposed, or asked about as a side effect
        "what if she gets a high fever after the liver procedure",
        "is it normal to feel chest tightness on sunitinib?",
        "could lanreotide make someone feel suicidal?",
        "can octreotide cause chest pain?",
        "is trouble breathing a side effect of everolimus",
        # over now, asked about as a symptom, nearly, or a reaction to news
        "dad collapsed at the weekend but he's ok now, is surgery still possible",
        "grandma fainted once at christmas, what does lanreotide do",
        "is shortness of breath a symptom of a lung NET?",
        "i almost fainted when the surgeon said it had spread. what is a liver embolization",
        "my husband had a seizure in the past, could he have prrt",
        # a treatment asked about, a supposition, a crisis long over, a "now" that tells an age
        "lanreotide seizures?",
        "if he ever has a seizure during the infusion, is a nurse there",
        "my brother overdosed years back and has been clean since, what support is there",
        "he fainted at school in 2015, now he's 25 and has a NET, where do they grow",
        "i'm choking on all these medical words, what is a catheter",
    ],
)
def test_a_worrying_word_not_happening_now_gets_the_safety_line_and_the_answer(text):
    assert assess(NLP(text)) == Level.POSSIBLE
    intent, safety_line = route(text, "ask_surgery")
    assert intent != "emergency" and safety_line


@pytest.mark.parametrize(
    "text",
    [
        "my sister works in emergency medicine and asked me what prrt is",
        "where is the emergency entrance compared to the NET clinic",
        "we missed the appointment because of a family emergency, how do we rebook",
    ],
)
def test_the_word_emergency_alone_is_never_911_alone(text):
    assert assess(NLP(text)) == Level.POSSIBLE
    intent, safety_line = route(text, "request_appointment")
    assert intent != "emergency" and safety_line


def test_a_plea_for_what_to_do_opens_with_the_safety_line():
    # no sign the lexicon knows, and the classifier reads personal advice
    text = "my grandson got into something in the garage, what do we do"
    assert route(text, "ask_personal_advice") == (None, True)
    assert route("what are the treatment options for a NET", "ask_treatment_factors")[1] is False


def test_not_an_emergency_takes_back_the_word_itself():
    assert assess(NLP("not an emergency, just a question about prrt")) == Level.NONE


def test_something_happening_now_outweighs_the_past():
    text = "he fainted last month and now he's not waking up"
    assert route(text, "ask_prrt") == ("emergency", False)


def test_not_an_emergency_takes_back_the_word_and_the_classifiers_guess():
    ranking = [{"name": "emergency"}, {"name": "ask_support"}]
    said = route("this is not an emergency, i just feel low", "emergency", ranking)
    assert said == ("ask_support", False)
    assert route("not an emergency but my throat is closing", "ask_support")[0] == "emergency"


def test_the_classifiers_emergency_without_evidence_is_one_only_when_it_is_sure_and_alone():
    sure = [{"name": "emergency", "confidence": 0.9}, {"name": "out_of_scope", "confidence": 0.05}]
    unsure = [{"name": "emergency", "confidence": 0.5}, {"name": "out_of_scope", "confidence": 0.3}]
    text = "something is very wrong with my dad tonight"
    assert route(text, "emergency", sure) == ("emergency", False)
    # unsure: what it would otherwise be, after the safety line
    assert route(text, "emergency", unsure) == ("out_of_scope", True)
    # sure, but the message holds it back (a figure of speech): the safety line, not 911 alone
    assert route("this whole thing is killing me", "emergency", sure) == ("out_of_scope", True)
    # sure, but the message also asks what the assistant answers: the safety line, then that
    story = "my husband was diagnosed last spring and we are scared. what is PRRT?"
    asks = [{"name": "emergency", "confidence": 0.95}, {"name": "ask_prrt", "confidence": 0.04}]
    assert route(story, "emergency", asks) == ("ask_prrt", True)


def test_a_reading_that_still_ranks_emergency_gets_the_safety_line():
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.4},
        {"name": "ask_surgery", "confidence": 0.3},
        {"name": "emergency", "confidence": 0.25},
    ]
    assert route("he is really not himself tonight", "nlu_fallback", ranking) == (None, True)
    low = [
        dict(guess, confidence=0.01) if guess["name"] == "emergency" else guess for guess in ranking
    ]
    assert route("he is really not himself tonight", "nlu_fallback", low) == (None, False)
    # whatever the reading: what it asks is answered, after the safety line
    assert route("he is really not himself tonight", "ask_support", ranking) == (None, True)
    assert route("he is really not himself tonight", "ask_support", low) == (None, False)
    # a walk-through answer corrected with "wait": the classifier's unease is that word
    correcting = decide(NLP("wait, I got that wrong, it's the lung"), "inform", ranking, True)
    assert correcting == (None, False)
