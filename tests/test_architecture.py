"""What the structure promises: imports point one way, and the tree's scope rule is written once."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["branches", "cultivation", "evaluations"]


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
    ("branches", {"cultivation", "evaluations"}),
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


def test_progress_reports_are_a_package_laid_out_like_an_app():
    # Reports live in cultivation/reports/ (app label still `cultivation`), not in report_*.py
    # modules beside the rest of cultivation.
    cultivation = ROOT / "cultivation"
    leftovers = sorted(path.name for path in cultivation.glob("report*.py"))
    leftovers += sorted(str(path.relative_to(ROOT)) for path in [cultivation / "models" / "reports.py",
                                                                 cultivation / "demo_reports.py"] if path.exists())
    assert not leftovers, "progress reports belong in cultivation/reports/: " + ", ".join(leftovers)
    package = cultivation / "reports"
    layout = ["__init__", "models", "enums", "services", "selectors", "forms", "views", "urls"]
    missing = [name for name in layout if not (package / f"{name}.py").is_file()]
    assert not missing, "cultivation/reports/ lacks " + ", ".join(f"{name}.py" for name in missing)


def test_report_services_do_not_import_views():
    # Inside the package imports point one way: models ← enums ← selectors ← services ← forms ← views ← urls.
    package = ROOT / "cultivation" / "reports"
    upper = {"forms", "views", "urls", "panels"}
    offenders = [f"{name}.py imports {'.' * node.level}{node.module or ''} {[alias.name for alias in node.names]}"
                 for name in ["models", "enums", "selectors", "services", "evidence"]
                 for node in ast.walk(ast.parse((package / f"{name}.py").read_text(encoding="utf-8")))
                 if isinstance(node, ast.ImportFrom) and node.level
                 and ({(node.module or "").split(".")[-1]} | {alias.name for alias in node.names}) & upper]
    assert not offenders, "\n".join(offenders)
