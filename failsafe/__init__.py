"""When a part of the assistant is down, the person gets an apology with a phone number.

Rasa 3.6 answers a broken part with silence or with a misleading answer: an action server it
cannot reach loses the action's reply and goes on ("Was this helpful?" alone), an unreachable
tracker store starts a blank conversation, and a server without a model ignores messages.
Rasa offers no setting or response for any of these, so `failsafe.guard` adds the one missing
step to each, and `failsafe.tracker_store` (named in endpoints.yml) installs it in the server.
"""
