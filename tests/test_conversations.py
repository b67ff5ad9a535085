"""Whole conversations from tests/test_stories.yml, through NLU and dialogue.

Runs `rasa test core --e2e --fail-on-prediction-errors` once; a story fails if any message is
misread (its intent, or the entities annotated in it) or any bot action differs. Without --e2e
Rasa never parses the stories' messages: it takes each step's intent as given.
Failed stories are written to results/core/.
"""

import re
import subprocess

from support import REPORT, ROOT

STORIES = ROOT / "tests" / "test_stories.yml"


def test_every_conversation_goes_as_written(model_path, results_dir):
    out = results_dir / "core"
    run = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "rasa"),
            "test",
            "core",
            "--e2e",
            "--model",
            str(model_path),
            "--stories",
            str(STORIES),
            "--out",
            str(out),
            "--fail-on-prediction-errors",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    stories = len(re.findall(r"^- story:", STORIES.read_text(), flags=re.M))
    failed = out / "failed_test_stories.yml"
    failed_names = (
        re.findall(r"^- story: (.*)$", failed.read_text(), flags=re.M) if failed.exists() else []
    )
    REPORT.append(f"test stories: {stories - len(failed_names)} of {stories} passed")
    assert run.returncode == 0 and not failed_names, (
        f"failed stories: {failed_names}\n" + run.stdout[-3000:] + run.stderr[-3000:]
    )
    # --e2e reads only files named test_*.yml; a file it skipped would pass with no story run
    evaluated = re.search(r"Evaluating (\d+) stories", run.stdout + run.stderr)
    assert evaluated and int(evaluated[1]) == stories, run.stdout[-3000:] + run.stderr[-3000:]
