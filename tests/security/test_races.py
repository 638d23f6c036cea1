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
from cultivation.models import Project, UnitQuota
from tests.factories import BatchFactory, BranchFactory, ProjectFactory, user_with_role
from transitions import engine

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


# Two staff filling the last place of a quota at once, each with a different project: the project rows
# they lock are not the same, so only a lock on what the quota counts across (the batch) puts one after
# the other. A barrier in the move (`before`, which runs after every guard, under the locks) holds the
# first mover until the second has passed the guards too; with the batch locked the second cannot get
# there (it waits for the lock inside its move), the barrier times out and the first goes on alone.
#
# Not on SQLite: it serialises writers (BEGIN IMMEDIATE, config/settings.py), so the second move does not
# even begin before the first commits, and the test could not fail there.
QUOTA_MOVES = {
    # move: (the state it leaves, who makes it, the quota, its refusal)
    "shortlist": (ProjectState.NOMINATED, "staff", "总名额 1 个"),
    "nominate": (ProjectState.SUBMITTED, "unit_staff", "推荐名额为 1 个"),
}


@pytest.mark.parametrize("name", QUOTA_MOVES)
def test_two_staff_taking_the_last_place_of_a_quota_at_once_never_exceed_it(tree, name):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE): the race cannot happen there")
    source, who, refusal = QUOTA_MOVES[name]
    batch = BatchFactory(quota_total=1, quota_faculty=1, quota_student=0)
    UnitQuota.objects.create(batch=batch, unit=tree.unit_a, quota=1)
    projects = [ProjectFactory(batch=batch, organization=tree.branch_a1),
                ProjectFactory(batch=batch, organization=BranchFactory(name="甲三党支部", parent=tree.unit_a))]
    Project.objects.filter(batch=batch).update(state=source, nomination_rank=1, recommendation="同意推荐")
    first = getattr(tree, who)
    second = user_with_role(first.role_assignments.get().role, first.role_assignments.get().organization,
                            username=f"{who}_2")
    phase = "recognition" if name == "shortlist" else "selection"
    today = getattr(batch, f"{phase}_start") + datetime.timedelta(days=2)
    both_checked = threading.Barrier(2)

    def meet(locked, change):
        try:
            both_checked.wait(timeout=3)
        except threading.BrokenBarrierError:
            pass  # the other move is waiting for the batch: this one goes on alone

    def move(project, user):
        return lambda: engine.run(workflow.MACHINE, Project.objects.get(pk=project.pk), name, actor=user,
                                  today=today, before=meet)

    results = race(move(projects[0], first), move(projects[1], second))
    assert Project.objects.filter(batch=batch, state=workflow.MOVES[name].target).count() == 1, results
    refused = [r for r in results if isinstance(r, workflow.MoveRefused)]
    assert len(refused) == 1 and refusal in refused[0].message, results
