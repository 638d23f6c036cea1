"""The branch results export streams: the pairs of the list, in its order, whatever the chunk they are read
in, with the same summaries; each reader's scope kept."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from branches.enums import Role
from cultivation.models import Notice, NoticeItem
from evaluations import selectors
from evaluations.models import Round, ScoreSheet
from tests.factories import BranchFactory, RoundFactory, round_project, user_with_role

from .helpers import rows_of


def published(tree, *, days_ago, branches):
    """A round published `days_ago` days ago over a project of each branch, one expert's percent each."""
    round_ = RoundFactory()
    today = timezone.localdate()
    notice = Notice.objects.create(batch=round_.batch, kind="midterm", title=f"{round_.name}结果公示", body="公示",
                                   starts_on=today - datetime.timedelta(days=days_ago), ends_on=today,
                                   published_by=tree.staff)
    Round.objects.filter(pk=round_.pk).update(state="published", notice=notice, trim_min_count=0)
    expert = user_with_role(Role.REVIEWER, tree.unit_b, username=f"expert{round_.pk}")
    for n, branch in enumerate(branches):
        project = round_project(branch, round_)
        NoticeItem.objects.create(notice=notice, project=project, order=n)
        ScoreSheet.objects.create(round=round_, project=project, reviewer=expert, state="submitted",
                                  percent=Decimal(70 + n))
    return round_


def summary(pair):
    return (pair["round"].pk, pair["project"].pk, pair["score"], pair["grade"], pair["count"])


def test_the_stream_is_the_list_with_its_summaries(tree, client_for):
    more = [BranchFactory(parent=tree.unit_a) for _ in range(3)]
    published(tree, days_ago=3, branches=[tree.branch_a1, tree.branch_b1, *more])
    published(tree, days_ago=3, branches=[tree.branch_a2, *more])
    published(tree, days_ago=1, branches=[tree.branch_a1, *more[:1]])
    published(tree, days_ago=-2, branches=[tree.branch_a1])  # its notice starts later: not yet shown
    today = timezone.localdate()
    for user in (tree.unit_staff, tree.other_unit_staff, tree.secretary):
        listed = [summary(p) for p in selectors.attach_summaries(selectors.published_for_branches(user, today))]
        for chunk in (1, 2, 500):
            assert [summary(p) for p in selectors.iter_published_for_branches(user, today, chunk=chunk)] == listed
    assert len(listed) == 2  # the secretary's 甲一党支部, in two rounds
    client = client_for(tree.unit_staff)
    page = client.get(reverse("evaluations:branch_results")).context["page"]
    rows = rows_of(client.get(reverse("evaluations:branch_results_export")))[1]
    assert [(r["评估轮次"], r["培育项目"]) for r in rows] == [(p["round"].name, p["project"].organization.name)
                                                            for p in page.paginator.object_list]
    assert len(rows) == 10 and "乙一党支部" not in {r["培育项目"] for r in rows}
    assert list(selectors.iter_published_for_branches(tree.reviewer, today)) == []
