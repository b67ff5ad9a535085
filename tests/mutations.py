"""How many hand-made mistakes in the parts that decide safety do the tests catch?

    make mutation

Each mutation changes one thing in the emergency detection (nlp/emergency.py and its table
nlp/emergency.yml) or in the walk-through's factor table (actions/factors.py): a condition
flipped, a rule dropped, a row of the table removed. For each, the file is changed, the tests
of that part run, and the file is put back. A mutation the tests fail on is killed. It prints
the survivors and the share killed (the goal: 90% or more); the project's files are restored
whatever happens.
"""

import re
import subprocess
import sys
from pathlib import Path
from typing import List, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
EMERGENCY_TESTS = ["tests/test_emergency.py", "tests/test_lexicon_router.py"]
FACTOR_TESTS = ["tests/test_factors.py", "tests/test_provenance.py"]


class Mutation(NamedTuple):
    name: str
    path: str
    old: str
    new: str
    tests: List[str]


def emergency(name: str, path: str, old: str, new: str) -> Mutation:
    return Mutation(name, path, old, new, EMERGENCY_TESTS)


def table_rows() -> List[Mutation]:
    """Each row of FIT_TABLE removed, one at a time."""
    source = (ROOT / "actions" / "factors.py").read_text()
    table = source[source.index("FIT_TABLE: List[Fit] = [") : source.index("\n]\n")]
    rows = re.findall(r"\n    Fit\((?:.|\n)*?\),(?=\n    (?:Fit|#)|\n$|$)", table + "\n")
    return [
        Mutation(f"factor row {i + 1} removed", "actions/factors.py", row, "", FACTOR_TESTS)
        for i, row in enumerate(rows)
    ]


MUTATIONS: List[Mutation] = [
    emergency(
        "negation never takes a sign back",
        "nlp/emergency.py",
        "    return before[-1] in denials or",
        "    return False and",
    ),
    emergency(
        "a sign's words need not be near",
        "nlp/emergency.py",
        "near: Set[str] = set(words[max(0, i - window) : i + window + 1])",
        "near: Set[str] = set(words)",
    ),
    emergency(
        "an out-of-range number may be in range",
        "nlp/emergency.py",
        "return any(low <= number <= high for low, high in ranges)",
        "return True",
    ),
    emergency(
        "a number sign needs no second word",
        "nlp/emergency.py",
        'and (not sign.get("needs") or near & set(sign["needs"]))',
        "",
    ),
    emergency(
        "a high fever is not a sign",
        "nlp/emergency.py",
        'elif word in table["numbers"][0]["words"] and near & set(table["high_fever"]):',
        "elif False:",
    ),
    emergency(
        "'dying to know' is a crisis", "nlp/emergency.py", 'continue  # "dying to know"', "pass"
    ),
    emergency(
        "'not an emergency' takes nothing back",
        "nlp/emergency.py",
        "if ent.ent_id_ == WORD_ONLY and negated:",
        "if False:",
    ),
    emergency(
        "the bare word is an emergency now",
        "nlp/emergency.py",
        "    if kind == WORD_ONLY:\n        return True",
        "    if kind == WORD_ONLY:\n        return False",
    ),
    emergency(
        "a crisis is never held back",
        "nlp/emergency.py",
        "return figure_of_speech(sentence) or asked_as_side_effect or over",
        "return False",
    ),
    emergency(
        "a crisis is always held back",
        "nlp/emergency.py",
        "return figure_of_speech(sentence) or asked_as_side_effect or over",
        "return True",
    ),
    emergency(
        "nothing holds a sign back",
        "nlp/emergency.py",
        "return held_back(its_clause) or asked_as_side_effect or over",
        "return False",
    ),
    emergency(
        "everything holds a sign back",
        "nlp/emergency.py",
        "return held_back(its_clause) or asked_as_side_effect or over",
        "return True",
    ),
    emergency(
        "the clause is the whole message",
        "nlp/emergency.py",
        "return doc[start : end + 1].text",
        "return doc.text",
    ),
    emergency(
        "possible if any evidence is held back",
        "nlp/emergency.py",
        "if all(_only_possible(doc, i, kind) for i, kind in evidence):",
        "if any(_only_possible(doc, i, kind) for i, kind in evidence):",
    ),
    emergency(
        "'now' does not outweigh the past",
        "nlp/emergency.py",
        'if (says("past", lower) or says("recovered", lower)) and not happening_now(lower):',
        'if says("past", lower) or says("recovered", lower):',
    ),
    emergency("no past", "nlp/emergency.yml", "past: '", "past: 'NEVER MATCHES"),
    emergency(
        "no supposition", "nlp/emergency.yml", "hypothetical: '", "hypothetical: 'NEVER MATCHES"
    ),
    emergency(
        "no side-effect question",
        "nlp/emergency.yml",
        "side_effect_question: '",
        "side_effect_question: 'NEVER MATCHES",
    ),
    emergency(
        "no figures of speech",
        "nlp/emergency.yml",
        "  phrases: [choking on all these,",
        "  phrases: [NEVER MATCHES,",
    ),
    emergency("no chest signs", "nlp/emergency.yml", "  - [[chest], [", "  - [[NOCHEST], ["),
    emergency(
        "no breathing signs",
        "nlp/emergency.yml",
        "  - [[breathe, breath, breth, breathing, air], [",
        "  - [[NOBREATH], [",
    ),
    emergency(
        "no stroke signs",
        "nlp/emergency.yml",
        "  - [[arm, arms, hand, face, side, leg, smile, mouth], [",
        "  - [[NOFACE], [",
    ),
    emergency(
        "no fever numbers",
        "nlp/emergency.yml",
        "    ranges: [[102, 110], [39, 43], [30, 35.4]]",
        "    ranges: [[1000, 1001]]",
    ),
    emergency(
        "classifier's sure emergency ignored",
        "nlp/lexicon_router.py",
        "            return EMERGENCY, False\n        return alternative, True",
        "            return alternative, True\n        return alternative, True",
    ),
    emergency(
        "an unsure emergency reading gets no safety line",
        "nlp/lexicon_router.py",
        "return None, level == emergency.Level.POSSIBLE or hesitant",
        "return None, level == emergency.Level.POSSIBLE",
    ),
    Mutation(
        "unsaid counts as said",
        "actions/factors.py",
        "return factors.get(slot) or NOT_SURE",
        'return factors.get(slot) or "yes"',
        FACTOR_TESTS,
    ),
    Mutation(
        "told 'yes' is told otherwise",
        "actions/factors.py",
        'NOT_TOLD_OTHERWISE = _is(NOT_SURE, "yes")',
        "NOT_TOLD_OTHERWISE = _is(NOT_SURE)",
        FACTOR_TESTS,
    ),
    Mutation(
        "spread includes not sure",
        "actions/factors.py",
        'SPREAD = frozenset({"liver", "elsewhere"})',
        'SPREAD = frozenset({"liver", "elsewhere", "not_sure"})',
        FACTOR_TESTS,
    ),
    Mutation(
        "questions about unknowns not first",
        "actions/factors.py",
        "key=lambda row: not _asks_what_is_unknown(row)",
        "key=lambda row: 0",
        FACTOR_TESTS,
    ),
]


def killed(mutation: Mutation) -> bool:
    path = ROOT / mutation.path
    original = path.read_text()
    assert mutation.old in original, f"{mutation.name}: the text to change is not there"
    try:
        path.write_text(original.replace(mutation.old, mutation.new, 1))
        if mutation.path.endswith(".yml") and "nlp/" in mutation.path:
            subprocess.run(
                [sys.executable, "nlp/build_pipeline.py"], cwd=ROOT, check=True, capture_output=True
            )
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *mutation.tests],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        return run.returncode != 0
    finally:
        path.write_text(original)
        if mutation.path.endswith(".yml"):
            subprocess.run(
                [sys.executable, "nlp/build_pipeline.py"], cwd=ROOT, check=True, capture_output=True
            )


def main() -> None:
    mutations = MUTATIONS + table_rows()
    survivors = []
    for number, mutation in enumerate(mutations, start=1):
        dead = killed(mutation)
        print(
            f"[{number}/{len(mutations)}] {'killed ' if dead else 'SURVIVED'} {mutation.name}",
            flush=True,
        )
        if not dead:
            survivors.append(mutation.name)
    share = 1 - len(survivors) / len(mutations)
    print(
        f"\nmutations killed: {len(mutations) - len(survivors)} of {len(mutations)} ({share:.0%}); "
        f"goal 90%"
    )
    for name in survivors:
        print(f"  survived: {name}")


if __name__ == "__main__":
    main()
