"""Which code acts for a user without ever asking about that user's scope (tests/test_scope_services.py).

A function "asks" when it calls, directly or through any function of the project it calls, one of the
scope checks of `branches.access` (or the transition engine, see ENGINE_REASON). Calls are resolved the
way Python would at run time, through the function's globals and closure, so `access.runs(...)`,
`rules.may_manage_round(...)` and `Project.objects.visible_to(...)` are all followed; a call on a local
variable or on `self` cannot be, and does not count.
"""

import ast
import importlib
import inspect
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["branches", "notifications", "transitions", "cultivation", "evaluations", "planning", "dissemination",
        "dashboards", "bench"]


def scope_checks():
    from branches import access
    from transitions import engine

    return {inspect.unwrap(check) for check in (
        # The assertion a write service makes (403), and the predicates and conditions it is built on.
        access.require_scope, access.in_scope, access.can_see, access.manages_as, access.can_manage_subtree,
        access.is_secretary_of, access.runs, access.scope_q, access.staff_scope_q, access.visible_organizations,
        access.visible_organization_or_404,
        # ENGINE_REASON
        engine.run,
    )}


ENGINE_REASON = ("transitions.engine.run refuses an actor to whom the table's Machine gives no role for the "
                 "move; every Machine's roles are scope checks (tests/test_scope_services.py checks that too)")


def is_project_code(function):
    return (getattr(function, "__module__", "") or "").split(".")[0] in APPS


# Not followed: who hears of a write is chosen by scope too (staff over the branch...), but choosing an
# audience refuses nobody, so a service must not pass by notifying.
NOT_FOLLOWED = ("notifications",)


def _dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id, *reversed(parts)]


def _local_imports(tree, function):
    """The names the function's own `import` statements bind (imports inside a body avoid cycles)."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            package = function.__module__.rsplit(".", node.level)[0] if node.level else ""
            source = f"{package}.{node.module}" if package else node.module
            module = importlib.import_module(source)
            for alias in node.names:
                value = getattr(module, alias.name, None)
                if value is None:
                    value = importlib.import_module(f"{source}.{alias.name}")
                names[alias.asname or alias.name] = value
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = importlib.import_module(alias.name)
                else:
                    names[alias.name.split(".")[0]] = importlib.import_module(alias.name.split(".")[0])
    return names


def _resolve(parts, function, local):
    namespace = dict(function.__globals__)
    try:
        namespace.update(inspect.getclosurevars(function).nonlocals)
    except (TypeError, ValueError):
        pass
    namespace.update(local)
    if parts[0] not in namespace:
        return None
    value = namespace[parts[0]]
    for name in parts[1:]:
        try:
            value = getattr(value, name)
        except Exception:  # noqa: BLE001 - a descriptor that needs an instance: not followed
            return None
    value = getattr(value, "__func__", value)
    return inspect.unwrap(value) if inspect.isfunction(inspect.unwrap(value)) else None


def called(function):
    """The project functions `function` calls, resolved through its globals and closure."""
    function = inspect.unwrap(function)
    try:
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        return []
    try:
        tree = ast.parse(source)
    except SyntaxError:  # a lambda's source is the middle of a line: follow the global names it reads
        return [target for name in function.__code__.co_names
                if (target := _resolve([name], function, {})) is not None]
    found = []
    local = _local_imports(tree, function)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (parts := _dotted(node.func)):
            target = _resolve(parts, function, local)
            if target is not None and target is not function:
                found.append(target)
    return found


def asks_scope(function, checks=None, _cache=None):
    """Whether `function` reaches a scope check through the project's own functions."""
    checks = scope_checks() if checks is None else checks
    cache = {} if _cache is None else _cache
    function = inspect.unwrap(getattr(function, "__func__", function))
    if function in checks:
        return True
    if function in cache or not is_project_code(function) or function.__module__.startswith(NOT_FOLLOWED):
        return cache.get(function, False)
    cache[function] = False  # a cycle asks nothing by itself
    cache[function] = any(asks_scope(target, checks, cache) for target in called(function))
    return cache[function]


def module_names():
    # bench builds benchmark data and load scripts; it serves no user (its command is listed with the others).
    for app in (app for app in APPS if app != "bench"):
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts or "management" in parts or parts[-1] in ("__init__", "__main__"):
                continue
            yield ".".join(parts)


def acts_for(function):
    """Whether the function takes the acting user as the keyword `actor`."""
    try:
        parameter = inspect.signature(function).parameters.get("actor")
    except (TypeError, ValueError):
        return False
    return parameter is not None and parameter.kind is inspect.Parameter.KEYWORD_ONLY


def write_services(modules=None):
    """{"module.name": function} for every public module-level function that takes `actor` by keyword."""
    found = {}
    for name in modules if modules is not None else module_names():
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            if (attribute.startswith("_") or not inspect.isfunction(value) or value.__module__ != name
                    or not acts_for(value)):
                continue
            found[f"{name}.{attribute}"] = value
    return found


def admin_writers():
    """{"app.Admin.method": function} for every admin action and every ModelAdmin write hook the project
    overrides (save_model, delete_model, delete_queryset, save_formset, save_related)."""
    from django.contrib import admin

    hooks = ("save_model", "delete_model", "delete_queryset", "save_formset", "save_related")
    found = {}
    for model_admin in admin.site._registry.values():
        cls = type(model_admin)
        if not is_project_code(cls):
            continue
        label = f"{cls.__module__}.{cls.__name__}"
        for hook in hooks:
            if hook in vars(cls):
                found[f"{label}.{hook}"] = vars(cls)[hook]
        for action in cls.actions or ():
            function = getattr(cls, action) if isinstance(action, str) else action
            function = getattr(function, "__func__", function)
            found[f"{label}.{getattr(function, '__name__', action)}"] = function
    return found


def commands():
    """{"app.command": its handle()} for every management command of the project."""
    found = {}
    for app in APPS:
        folder = ROOT / app / "management" / "commands"
        for path in sorted(folder.glob("*.py")) if folder.exists() else []:
            if path.stem == "__init__":
                continue
            module = importlib.import_module(f"{app}.management.commands.{path.stem}")
            found[f"{app}.{path.stem}"] = module.Command.handle
    return found


# What a write looks like in a body: a model row saved, created, updated or deleted (a dict's update or a
# workbook's save look the same, and are listed with their reason in the test).
WRITE_CALLS = {"save", "create", "update", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
# Modules whose public functions are not services: pages and forms (they call the services), the admin
# (admin_writers), model methods, and the demo builders (they act for no user, with actor None).
NOT_SERVICES = ("views", "admin", "models", "forms", "urls", "apps", "demo", "guidance_demo")


def writers_without_actor(modules=None):
    """{"module.name": function} for every public module-level function outside NOT_SERVICES whose body
    calls a write (WRITE_CALLS) and that takes no `actor`: a write service that cannot know for whom."""
    found = {}
    for name in modules if modules is not None else module_names():
        last = name.rsplit(".", 1)[-1]
        if last in NOT_SERVICES or last.endswith("_views") or last.endswith("_demo"):
            continue
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            if (attribute.startswith("_") or not inspect.isfunction(value) or value.__module__ != name
                    or acts_for(value)):
                continue
            try:
                tree = ast.parse(textwrap.dedent(inspect.getsource(value)))
            except (OSError, SyntaxError):
                continue
            if any(isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                   and node.func.attr in WRITE_CALLS for node in ast.walk(tree)):
                found[f"{name}.{attribute}"] = value
    return found
