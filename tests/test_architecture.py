"""What the structure promises: imports point one way, the tree's scope rule is written once, every
state changes in one engine, and what apps add to shared pages is declared, not registered on import."""

import ast
import dataclasses
import importlib
import re
import types
from pathlib import Path

import pytest

from transitions import engine
from transitions.moves import Move

ROOT = Path(__file__).resolve().parent.parent
# In the order of their layers: each may import those before it, never those after (docs/architecture.md).
APPS = ["branches", "notifications", "transitions", "cultivation", "evaluations", "planning", "dissemination",
        "dashboards", "bench"]


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


@pytest.mark.parametrize("app, forbidden", [(app, set(APPS[number + 1:])) for number, app in enumerate(APPS[:-1])])
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


# ---- one transition engine -------------------------------------------------------------------

ENGINE = ROOT / "transitions" / "engine.py"


def _modules():
    for app in APPS:
        for path in app_modules(app):
            # Commands run under manage.py; the locustfile runs under locust, which only `make bench` installs.
            if "management" in path.parts or path.name == "locustfile.py":
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            yield importlib.import_module(name.removesuffix(".__init__"))


def machines():
    found = {}
    for module in _modules():
        for value in vars(module).values():
            if isinstance(value, engine.Machine):
                found[id(value)] = value
    return list(found.values())


def move_tables():
    """Every state table the apps declare: a dict of Move named *_MOVES, or MOVES, in any module."""
    tables = {}
    for module in _modules():
        for name, value in vars(module).items():
            if (name == "MOVES" or name.endswith("_MOVES")) and isinstance(value, dict) and value and all(
                    isinstance(move, Move) for move in value.values()):
                tables[id(value)] = (f"{module.__name__}.{name}", value)
    return list(tables.values())


def test_every_state_table_has_one_machine():
    tables = move_tables()
    assert len(tables) >= 5  # projects, reports, rounds, sheets, self-evaluations
    by_table = {}
    for machine in machines():
        by_table.setdefault(id(machine.moves), []).append(machine)
    lonely = [name for name, table in tables if len(by_table.get(id(table), [])) != 1]
    assert not lonely, f"state tables without exactly one engine.Machine: {lonely}"


def test_every_move_is_reachable_through_the_engine():
    # With the actor holding a role the move names and the row in each of its sources, the engine
    # offers the move: no table entry is dead, and none is made by a hand-written executor instead.
    for machine in machines():
        for move in machine.moves.values():
            open_door = dataclasses.replace(machine, roles=lambda user, row, move=move: set(move.actors), conditions=())
            for source in move.sources:
                row = types.SimpleNamespace(state=source)
                assert engine.refusal(open_door, None, row, move.name) is None, (machine.prefix, move.name, source)
                assert move in engine.allowed(open_door, None, row)
            assert machine.states(move.target).label


def _has_state_key(node):
    return isinstance(node, ast.Dict) and any(isinstance(key, ast.Constant) and key.value == "state"
                                              for key in node.keys)


def _writes_state(node, state_dicts=()):
    """A call `….update(state=…)`, `update(**{"state": …})` or `update(**d)` where d was given a
    "state" key, or an assignment `x.state = …`."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
            "update", "bulk_update", "update_or_create"):
        for keyword in node.keywords:
            if keyword.arg == "state" or (keyword.arg is None and _has_state_key(keyword.value)):
                return True
            if keyword.arg is None and isinstance(keyword.value, ast.Name) and keyword.value.id in state_dicts:
                return True
        return any(isinstance(arg, ast.List) and any(isinstance(e, ast.Constant) and e.value == "state"
                                                     for e in arg.elts) for arg in node.args)
    if isinstance(node, ast.Assign):
        return any(isinstance(target, ast.Attribute) and target.attr == "state" for target in node.targets)
    return False


def state_writes(source):
    tree = ast.parse(source)
    state_dicts = {target.id for node in ast.walk(tree) if isinstance(node, ast.Assign) and _has_state_key(node.value)
                   for target in node.targets if isinstance(target, ast.Name)}
    return sorted(node.lineno for node in ast.walk(tree) if _writes_state(node, state_dicts))


def test_no_module_but_the_engine_writes_a_state():
    offenders = [f"{path.relative_to(ROOT)}:{line}"
                 for app in APPS for path in app_modules(app) if path != ENGINE
                 for line in state_writes(path.read_text(encoding="utf-8"))]
    assert not offenders, "a state changes only in transitions.engine.run: " + ", ".join(offenders)


def test_the_state_rule_check_finds_a_hand_written_move():
    written = ("Project.objects.filter(pk=1).update(state='recognized')\nrow.state = 'x'\n"
               "Sheet.objects.filter(pk=1).update(**{'state': 'draft'})\n"
               "updates = {'state': 'draft', 'version': 2}\nReport.objects.filter(pk=1).update(**updates)\n")
    assert state_writes(written) == [1, 2, 3, 5]
    assert state_writes(ENGINE.read_text(encoding="utf-8"))  # the engine itself is the one that does


# ---- registries are declared, not filled by imports ------------------------------------------

REGISTRIES = {"HOME_PANELS": callable, "ORGANIZATION_PANELS": callable, "PROJECT_PANELS": callable,
              "REPORT_PANELS": callable, "PROJECT_READERS": callable,
              "DEMO_BUILDERS": callable, "REMINDER_JOBS": callable, "EXPORT_READY": callable,
              "EVENT_LABELS": lambda value: isinstance(value, dict)}


@pytest.mark.parametrize("name", sorted(REGISTRIES))
def test_every_declared_contribution_is_found(name):
    from branches.registry import declared

    entries = declared(name)
    assert entries and all(REGISTRIES[name](entry) for entry in entries)


def _fills_an_imported_registry(tree):
    imported = {alias.asname or alias.name.split(".")[0] for node in tree.body
                if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    for node in tree.body:  # module level only: what runs because the module was imported
        call = node.value if isinstance(node, ast.Expr) else None
        if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and call.func.attr in ("append", "extend", "update", "setdefault", "insert")):
            owner = call.func.value
            while isinstance(owner, ast.Attribute):
                owner = owner.value
            if isinstance(owner, ast.Name) and owner.id in imported:
                yield node.lineno


def test_no_module_fills_a_registry_when_imported():
    offenders = [f"{path.relative_to(ROOT)}:{line}" for app in APPS for path in app_modules(app)
                 for line in _fills_an_imported_registry(ast.parse(path.read_text(encoding="utf-8")))]
    assert not offenders, "declare it in settings (HOME_PANELS, EVENT_LABELS…) instead: " + ", ".join(offenders)
    sample = ast.parse("from branches.views import HOME_PANELS\nHOME_PANELS.append(panel)\n")
    assert list(_fills_an_imported_registry(sample)) == [2]


def _logged_actions(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                "log_event", "log_events"):
            for keyword in node.keywords:
                if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                    yield keyword.value.value


def test_every_event_action_has_a_chinese_label():
    from branches.audit import action_labels

    labels = action_labels()
    written = {action for app in APPS for path in app_modules(app) for action in _logged_actions(path)}
    machine_actions = {action for machine in machines() for action in machine.event_labels()}
    assert written and machine_actions
    missing = sorted(action for action in written | machine_actions if action not in labels)
    assert not missing, f"actions without a label in settings.EVENT_LABELS: {missing}"
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in labels[action]) for action in written | machine_actions)


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
