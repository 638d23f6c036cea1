"""What the structure promises: imports point one way, and the tree's scope rule is written once."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["branches", "notifications", "cultivation", "evaluations"]


def app_modules(app):
    return [path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]


def imported_apps(path):
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("app, forbidden", [
    ("branches", {"notifications", "cultivation", "evaluations"}),
    ("notifications", {"cultivation", "evaluations"}),
    ("cultivation", {"evaluations"}),
])
def test_imports_point_one_way(app, forbidden):
    offenders = [f"{path.relative_to(ROOT)} imports {sorted(imported_apps(path) & forbidden)}"
                 for path in app_modules(app) if imported_apps(path) & forbidden]
    assert not offenders, "\n".join(offenders)


def test_the_sub_tree_rule_is_written_once():
    # "Is this organization inside that sub-tree" is branches.models.in_subtree (rows) and subtree_q
    # (queries); access.py builds every user's scope from them.
    rule = re.compile(r"path\.startswith\(|path__startswith")
    home = ROOT / "branches" / "models.py"
    offenders = [f"{path.relative_to(ROOT)}:{number}"
                 for app in APPS for path in app_modules(app) if path != home
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if rule.search(line)]
    assert not offenders, "use branches.models.in_subtree / subtree_q: " + ", ".join(offenders)
