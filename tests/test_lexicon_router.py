"""The lexicon's decisions (nlp/lexicon_router.py) on the project's own spaCy pipeline.

The messages here are written for this test; tests/test_nlu_holdout.py measures the whole
NLU on messages written by someone else.
"""

import spacy

from nlp.build_pipeline import PIPELINE_DIR
from nlp.lexicon_router import decide

NLP = spacy.load(PIPELINE_DIR)


def route(text: str, intent: str, ranking=()):
    """The intent the lexicon decides for a message the classifier read as `intent`."""
    return decide(NLP(text), intent, list(ranking))[0]


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


def test_a_bare_yes_or_no_answers_whatever_the_classifier_read():
    for text in ("yep", "Y", "I think so!", "not that we know of", "nah.", "dont think so"):
        assert route(text, "nlu_fallback") in ("affirm", "deny"), text
    assert route("Yep", "dont_know") == "affirm"
    assert route("not that we know", "dont_know") == "deny"
    # a yes with more in it is the classifier's to read
    assert route("yes, to the liver", "affirm") == "inform"
    assert route("yes please tell me about prrt", "ask_prrt") is None


def test_definitions_and_factor_answers():
    assert route("what does metastasized mean", "ask_spread") == "ask_term_meaning"
    assert route("what's a catheter", "ask_capabilities") == "ask_term_meaning"
    assert route("what does liver spread mean for treatment", "ask_spread") is None
    assert route("yes, in the liver", "affirm") == "inform"
