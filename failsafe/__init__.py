"""The two changes this project makes to Rasa 3.6's server, installed by the tracker store class
that endpoints.yml names (failsafe.tracker_store):

- `guard`: when a part of the assistant is down, the person gets an apology with a phone
  number. Rasa 3.6 answers a broken part with silence or with a misleading answer: an action
  server it cannot reach loses the action's reply and goes on ("Was this helpful?" alone), an
  unreachable tracker store starts a blank conversation, and a server without a model ignores
  messages. Rasa offers no setting or response for any of these.
- `action_results`: the action server's replies are checked against Rasa's schema with a
  validator built once, where Rasa rebuilds and re-checks it for every reply (about 50 ms).
"""
