"""The self-evaluation's refusals (issue 8, defect 10): past the deadline, without the required report,
and after submission. Each refused post changes nothing and says why in Chinese."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cultivation.workflow import MoveRefused
from evaluations import services
from evaluations.enums import SelfState
from evaluations.models import Round, SelfEvaluation

pytestmark = pytest.mark.django_db


def scores(round_, project):
    return {f"score_{c.pk}": "8" for c in services.applicable_criteria(round_, project)}


def post(client, panel, **data):
    url = reverse("evaluations:self_evaluation", args=[panel.round.pk, panel.project_a.pk])
    return client.post(url, data, follow=True)


def flashed(response):
    return " ".join(str(m) for m in response.context["messages"])


def test_submitting_without_the_report_is_refused_and_saves_nothing(panel, client_for):
    client = client_for(panel.tree.secretary)
    response = post(client, panel, narrative="  ", action="submit", **scores(panel.round, panel.project_a))
    assert "请填写自评报告" in flashed(response)
    assert not SelfEvaluation.objects.filter(state=SelfState.SUBMITTED).exists()
    assert not SelfEvaluation.objects.exclude(narrative="").exists()


def test_after_the_deadline_the_self_evaluation_is_refused(panel, client_for):
    Round.objects.filter(pk=panel.round.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    client = client_for(panel.tree.secretary)
    response = post(client, panel, narrative="对照“七个有力”自评", action="save", **scores(panel.round, panel.project_a))
    assert "自评已于" in flashed(response) and "截止" in flashed(response)
    assert not SelfEvaluation.objects.exclude(narrative="").exists()


def test_a_submitted_self_evaluation_is_locked(panel, client_for):
    client = client_for(panel.tree.secretary)
    post(client, panel, narrative="对照“七个有力”自评", action="submit", **scores(panel.round, panel.project_a))
    evaluation = SelfEvaluation.objects.get()
    assert evaluation.state == SelfState.SUBMITTED
    # The page offers no editable form any more, and a post anyway changes nothing.
    page = client.get(reverse("evaluations:self_evaluation", args=[panel.round.pk, panel.project_a.pk]))
    assert 'name="narrative"' not in page.content.decode() or "disabled" in page.content.decode()
    post(client, panel, narrative="改写", action="submit", **scores(panel.round, panel.project_a))
    assert SelfEvaluation.objects.get().narrative == "对照“七个有力”自评"
    # The service refuses too, whoever calls it.
    with pytest.raises(MoveRefused, match="自评已提交，不能再修改"):
        services.self_evaluation_save(round_=panel.round, project=panel.project_a, actor=panel.tree.secretary,
                                      narrative="改写", values={}, submit=False)
