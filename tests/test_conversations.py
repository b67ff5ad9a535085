"""Whole conversations from tests/test_stories.yml, through NLU and dialogue.

Runs `rasa test core --e2e` once; a story fails if any message is misread (its intent, or the
entities annotated in it) or any bot action differs. Without --e2e Rasa never parses the
stories' messages: it takes each step's intent as given. Every story is run (not only up to the
first failure), and the failed ones, marked `# predicted: ...`, are written to results/core/.
"""

import re
import shutil
import subprocess

from support import REPORT, ROOT

STORIES = ROOT / "tests" / "test_stories.yml"


def test_every_conversation_goes_as_written(model_path, results_dir):
    out = results_dir / "core"
    # a failed-stories file left by an earlier run must not stand in for this one
    shutil.rmtree(out, ignore_errors=True)
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
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-3000:]
    stories = len(re.findall(r"^- story:", STORIES.read_text(), flags=re.M))
    # --e2e reads only files named test_*.yml; a file it skipped would pass with no story run
    evaluated = re.search(r"Evaluating (\d+) stories", output)
    assert evaluated and int(evaluated[1]) == stories, output[-3000:]
    failed = (out / "failed_test_stories.yml").read_text()
    failed_names = re.findall(r"^- story: (.*)$", failed, flags=re.M)
    REPORT.append(f"test stories: {stories - len(failed_names)} of {stories} passed")
    mispredicted = [line.strip() for line in failed.splitlines() if "# predicted:" in line]
    assert not failed_names, "\n".join(
        [f"failed stories ({out / 'failed_test_stories.yml'}):", *failed_names, *mispredicted]
    )
