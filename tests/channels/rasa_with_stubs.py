"""Run the Rasa CLI with Slack's Web API call replaced, recording each call as a JSON line.

slack_sdk sends everything to https://slack.com/api/, so the stub sits on the method Rasa's
Slack channel calls (AsyncWebClient.chat_postMessage), inside the server process.
"""

import json
import os
import sys

from slack_sdk.web.async_client import AsyncWebClient

CALLS_FILE = os.environ["SLACK_STUB_CALLS"]


async def record_post_message(self, **kwargs):
    with open(CALLS_FILE, "a", encoding="utf-8") as calls:
        calls.write(json.dumps(kwargs) + "\n")
    return {"ok": True}


AsyncWebClient.chat_postMessage = record_post_message  # type: ignore[method-assign]

if __name__ == "__main__":
    from rasa.__main__ import main

    sys.argv = ["rasa"] + sys.argv[1:]
    main()
