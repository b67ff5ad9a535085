"""An NLU component: a message that describes an emergency is read as `emergency`, always.

The classifier is good but not certain, and "call 911" must not depend on its confidence.
The `emergency` phrases in nlp/entity_patterns.yml are matched by the project's entity ruler
(SpacyNLP has already run it on the message); if any is present, the intent becomes
`emergency`, whatever DIET or the FallbackClassifier said. It sits last in config.yml.
"""

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

EMERGENCY_LABEL = "emergency"
EMERGENCY_INTENT = "emergency"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class EmergencyOverride(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "EmergencyOverride":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is not None and any(ent.label_ == EMERGENCY_LABEL for ent in doc.ents):
                message.set(
                    INTENT, {"name": EMERGENCY_INTENT, "confidence": 1.0}, add_to_output=True
                )
        return messages
