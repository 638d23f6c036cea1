"""Two people acting on the same record at the same moment: threads released together.

Each thread has its own database connection, so these tests use real transactions
(`transaction=True`) on both SQLite and PostgreSQL.
"""

import datetime
import threading

import pytest
from django.db import connection

from branches.enums import Role
from cultivation import workflow
from cultivation.enums import ProjectState
from cultivation.models import Project
from tests.factories import ProjectFactory, user_with_role

pytestmark = pytest.mark.django_db(transaction=True)


def race(*actions):
    """Run the actions in threads released together; return each one's result or exception."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            results[index] = action()
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_staff_deciding_one_project_at_once_record_exactly_one_decision(tree):
    from branches.models import Event

    project = ProjectFactory(organization=tree.branch_a1)
    Project.objects.filter(pk=project.pk).update(state=ProjectState.NOMINATED)
    second_staff = user_with_role(Role.ORG_STAFF, tree.school, username="staff2")
    today = project.batch.recognition_start + datetime.timedelta(days=2)

    # Both opened the project at version 1; one decides to shortlist, the other to reject.
    def shortlist(user):
        return lambda: workflow.project_shortlist(project=Project.objects.get(pk=project.pk), actor=user,
                                                  expected_version=1, today=today)

    def reject(user):
        return lambda: workflow.project_reject(project=Project.objects.get(pk=project.pk), actor=user,
                                               reason="材料不实", expected_version=1, today=today)

    results = race(shortlist(tree.staff), reject(second_staff))
    refused = [r for r in results if isinstance(r, workflow.MoveRefused)]
    done = [r for r in results if isinstance(r, Project)]
    assert len(done) == 1 and len(refused) == 1, results
    assert "已被他人" in refused[0].message
    final = Project.objects.get(pk=project.pk)
    assert final.state == done[0].state and final.version == 2
    assert Event.objects.filter(action__in=["project.shortlist", "project.reject"]).count() == 1


def test_a_double_clicked_submit_submits_once(tree):
    from branches.models import Event

    project = ProjectFactory(organization=tree.branch_a1)
    today = project.batch.selection_start + datetime.timedelta(days=2)

    def submit():
        return workflow.project_submit(project=Project.objects.get(pk=project.pk), actor=tree.secretary,
                                       expected_version=1, today=today)

    results = race(submit, submit)
    assert sum(isinstance(r, Project) for r in results) == 1, results
    assert sum(isinstance(r, workflow.MoveRefused) for r in results) == 1, results
    assert Event.objects.filter(action="project.submit").count() == 1
    assert Project.objects.get(pk=project.pk).version == 2
