"""Forgetting the scope is loud (issue 22, finding 2): every write service, bulk import, admin write and
management command that acts for a user reaches a scope check of `branches.access` itself, whatever the
view in front of it checked (the view's check stays: it answers 404 before any service runs).

The roster import had only the role gate (`require_org_staff`, "is 组织部 somewhere") and so wrote other
schools' organizations: a role gate is not a scope check, and does not count here. What counts, and how
calls are followed, is in tests/scope_audit.py. A function that truly needs no scope is listed below with
its reason; a new one fails until someone writes the check or the reason.
"""

import types

import pytest

from tests import scope_audit
from tests.test_architecture import machines

# Functions taking `actor` that write no organization-owned row, or decide nothing for a user.
NO_SCOPE = {
    "branches.audit.log_event": "writes the event of a service that checked; the event's scope is its target's",
    "branches.audit.log_events": "the same, for many targets at once",
    "branches.selectors.event_list": "reads; `actor` there is a username to filter the log by",
    "transitions.engine.problem": "a question (may this move be made?), writes nothing",
    "cultivation.workflow.move_problem": "the same question for a project",
    "evaluations.services.workflow_problems": "the same question for a round's results",
    "evaluations.services.rubric_save": "a rubric (七个有力 评分细则) is shared by every school, owned by none",
    "evaluations.services.rubric_revise": "the same: a new version of a shared rubric",
    "evaluations.services.criterion_save": "the same: a criterion of a shared rubric",
    "evaluations.admin.RubricAdmin.save_model": "the shared rubric, in the admin (superusers only)",
    "evaluations.admin.RubricAdmin.save_formset": "the shared rubric's criteria, in the admin",
    "evaluations.admin.RubricAdmin.revise": "calls rubric_revise (above)",
}
# Management commands act for no user: they run on the server, as its operator, with actor None.
NO_USER_COMMANDS = {
    "bench.seed_scale": "fills a benchmark database with synthetic data",
    "branches.backup": "copies the database and uploads",
    "branches.restore": "restores a backup on the server",
    "branches.seed_demo": "builds the demo world",
    "branches.import_organizations": "imports a roster for the whole tree (roster.check/apply with actor None)",
    "branches.migrate": "Django's migrate, giving way to the pages of the release still serving",
    "cultivation.make_thumbnails": "makes thumbnails of stored images",
    "notifications.send_outbox": "sends queued mail",
    "notifications.send_reminders": "sends the due reminders of settings.REMINDER_JOBS",
    "notifications.task_worker": "runs queued tasks; each checks its user's access again when it runs",
}


# Public functions that write without taking `actor`: none of them writes an organization-owned row for a user.
NO_ACTOR = {
    "cultivation.challenge.spend": "marks an anonymous visitor's 验证题 used: no organization's row",
    "notifications.worker.reap": "fails or re-queues what a dead worker left; the task checks its user again",
    "branches.audit.action_labels": "a dict's update: builds the labels, writes nothing",
    "branches.exports.response": "saves a workbook into the HTTP response",
    "branches.roster.export_workbook": "saves a workbook",
    "evaluations.sheets.export_workbook": "saves a workbook",
    "dissemination.booklet_docx.booklet_docx": "saves a document",
    "evaluations.selectors.iter_published_for_branches": "a dict's update while reading",
    "branches.media.put": "the file store, under the upload services that checked",
    "branches.media.delete": "the file store, the same",
    "notifications.services.notify": "notices to the users a checked service chose; each row is its recipient's",
    "notifications.services.notify_gathered": "the same, gathered into one unread notice",
    "notifications.services.remind_once": "the reminder jobs' notices, sent once per key",
    "notifications.services.notification_read": "the user's own notification (the user owns it, no organization)",
    "notifications.services.notifications_read_all": "the same, all at once",
    "notifications.services.send_pending": "the outbox worker",
    "cultivation.notices.objection_lodge": "the public's objection to a published 公示: anyone may lodge one, "
                                           "under a real name, with no account",
}


def unscoped(found, allowed):
    checks, cache = scope_audit.scope_checks(), {}
    return sorted(name for name, function in found.items()
                  if name not in allowed and not scope_audit.asks_scope(function, checks, cache))


def test_every_write_service_asks_the_actors_scope():
    services = scope_audit.write_services()
    # The bulk imports are among them, by their `actor` keyword.
    assert {"branches.roster.apply", "branches.roster.check", "evaluations.sheets.apply"} <= set(services)
    assert len(services) >= 80
    missing = unscoped(services, NO_SCOPE)
    assert not missing, (
        "write services that never ask the actor's scope (call branches.access.require_scope on the "
        f"organization that owns the row, or list them in NO_SCOPE with the reason): {missing}")


def test_every_function_that_writes_takes_the_actor():
    """A write service that takes no actor cannot check a scope: it must take one (and so meet the test
    above), or be listed in NO_ACTOR with the reason it writes nothing of an organization's for a user."""
    found = scope_audit.writers_without_actor()
    assert not sorted(set(found) - set(NO_ACTOR)), "take `actor` (keyword) and check its scope, or list in NO_ACTOR"
    assert not set(NO_ACTOR) - set(found), "NO_ACTOR names functions that no longer write without an actor"


def test_every_admin_action_and_write_hook_asks_the_scope():
    writers = scope_audit.admin_writers()
    assert {"cultivation.admin.ProjectAdmin.move_nominate", "evaluations.admin.RoundAdmin.close",
            "branches.admin.OrganizationAdmin.save_model"} <= set(writers)
    missing = unscoped(writers, NO_SCOPE)
    assert not missing, f"admin writes that reach no scope check: {missing}"


def test_every_management_command_acts_for_no_user_or_asks_the_scope():
    commands = scope_audit.commands()
    missing = unscoped(commands, NO_USER_COMMANDS)
    assert not missing, (
        f"management commands that neither check a user's scope nor are listed as acting for no user: {missing}")


def test_every_machine_gives_roles_by_scope():
    """The engine's role check is a scope check (scope_audit.ENGINE_REASON) because each Machine's roles are."""
    found = {f"{machine.prefix} machine": machine.roles for machine in machines()}
    assert len(found) >= 8
    assert not unscoped(found, {})


def test_the_lists_name_only_what_exists():
    known = {**scope_audit.write_services(), **scope_audit.admin_writers()}
    assert not set(NO_SCOPE) - set(known)
    assert not set(NO_USER_COMMANDS) - set(scope_audit.commands())


# ---- the audit itself ------------------------------------------------------------------------------

PROBE = '''
from django.db import transaction

from branches import access
from branches.access import is_org_staff
from branches.models import Organization


def _check(actor, organization):
    access.require_scope(actor, organization)


@transaction.atomic
def rename_unscoped(*, organization, actor, name):
    if not is_org_staff(actor):  # a role gate, not a scope
        raise PermissionError
    Organization.objects.filter(pk=organization.pk).update(name=name)


@transaction.atomic
def rename_scoped(*, organization, actor, name):
    _check(actor, organization)
    Organization.objects.filter(pk=organization.pk).update(name=name)


def rename_by_predicate(*, organization, actor, name):
    from branches.access import can_manage_subtree

    if not can_manage_subtree(actor, organization):
        raise PermissionError
    Organization.objects.filter(pk=organization.pk).update(name=name)


def read(organization, actor=None):
    return organization.name


def dissolve(organization):
    organization.is_active = False
    organization.save()
'''


@pytest.fixture
def probe(monkeypatch, tmp_path):
    """A services module written for the test: the audit reads it like any other."""
    path = tmp_path / "probe_services.py"
    path.write_text(PROBE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(scope_audit, "APPS", [*scope_audit.APPS, "probe_services"])
    module = types.ModuleType("probe_services")
    module.__file__ = str(path)
    exec(compile(PROBE, str(path), "exec"), module.__dict__)
    monkeypatch.setitem(__import__("sys").modules, "probe_services", module)
    return module


def test_the_audit_finds_a_new_service_that_forgets_the_scope(probe):
    found = scope_audit.write_services(["probe_services"])
    # `read` takes actor by position: not a write service.
    assert set(found) == {"probe_services.rename_unscoped", "probe_services.rename_scoped",
                          "probe_services.rename_by_predicate"}
    assert unscoped(found, {}) == ["probe_services.rename_unscoped"]
    assert unscoped(found, {"probe_services.rename_unscoped": "a reason"}) == []


def test_the_audit_finds_a_new_service_that_writes_without_an_actor(probe):
    assert set(scope_audit.writers_without_actor(["probe_services"])) == {"probe_services.dissolve"}
