"""The demo tells a clear story on whatever day it is built: each batch's projects fit the phase the
batch is in, a 公示 is open today for anyone to object to, every branch's founding fits its name and
every evidence file is a real image or PDF."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from branches.models import Organization, in_subtree
from branches.uploads import check_upload
from django.contrib.auth import get_user_model

from cultivation.enums import Phase, ProjectState
from cultivation.models import Attachment, Batch, Notice, Project
from tests.demo_world import demo_fixture

pytestmark = pytest.mark.django_db

P, S = Phase, ProjectState
FINISHED = "finished"

# The states a project may be in, by the phase its batch is in on the day (FINISHED: after 收获推广).
# Declared once; every batch of the demo is checked against it.
STATES_BY_PHASE = {
    P.SELECTION: {S.DRAFT, S.SUBMITTED, S.RETURNED, S.NOMINATED, S.WITHDRAWN},
    P.RECOGNITION: {S.NOMINATED, S.SHORTLISTED, S.RECOGNIZED, S.REJECTED, S.WITHDRAWN},
    P.CULTIVATION: {S.RECOGNIZED, S.REJECTED, S.WITHDRAWN},
    P.MIDTERM: {S.RECOGNIZED, S.MIDTERM_SUBMITTED, S.RECTIFYING, S.REJECTED, S.WITHDRAWN},
    P.HARVEST: {S.RECTIFYING, S.FINAL_SUBMITTED, S.ACCEPTED, S.FAILED, S.REJECTED, S.WITHDRAWN},
    FINISHED: {S.ACCEPTED, S.FAILED, S.REJECTED, S.WITHDRAWN},
}
# What a batch in each phase must show, so that the demo has something to tell at every stage.
SHOWN_BY_PHASE = {
    P.SELECTION: {S.DRAFT, S.SUBMITTED, S.NOMINATED},
    P.RECOGNITION: {S.SHORTLISTED},
    P.CULTIVATION: {S.RECOGNIZED},
    P.MIDTERM: {S.MIDTERM_SUBMITTED},
    FINISHED: {S.ACCEPTED, S.FAILED},
}

# Today, and a spring day of next year (the grade branches and the year boundaries move then).
demo = demo_fixture([None, datetime.date(datetime.date.today().year + 1, 3, 9)])


def phase_of(batch, today):
    return FINISHED if batch.is_finished(today) else batch.phase_on(today)


def test_every_project_state_fits_its_batch_phase(demo):
    wrong = [f"{p.batch.name}（{phase_of(p.batch, demo.today)}）：{p.organization.name} {p.get_state_display()}"
             for p in Project.objects.select_related("batch", "organization")
             if p.state not in STATES_BY_PHASE[phase_of(p.batch, demo.today)]]
    assert wrong == []


def test_every_phase_is_shown_with_the_states_that_tell_it(demo):
    shown = {}
    for batch in Batch.objects.all():
        phase = phase_of(batch, demo.today)
        shown.setdefault(phase, set()).update(Project.objects.filter(batch=batch).values_list("state", flat=True))
    for phase, states in SHOWN_BY_PHASE.items():
        assert phase in shown, f"没有处于{phase}阶段的批次"
        assert states <= shown[phase], f"{phase}：缺少 {states - shown[phase]}"


def test_every_application_comes_from_a_branch_under_its_batchs_owner(demo):
    outside = [f"{p.batch.name}（{p.batch.owner.name}）：{p.organization.name}"
               for p in Project.objects.select_related("batch__owner", "organization")
               if not in_subtree(p.organization.path, p.batch.owner.path)]
    assert outside == []


def test_the_second_university_runs_a_batch_of_its_own_open_for_application(demo):
    second = Organization.objects.get(name="中原师范学院党委")
    batch = Batch.objects.get(owner=second, selection_end__gte=demo.today)
    assert batch.phase_on(demo.today) == P.SELECTION and batch.level == "school"
    assert {S.SUBMITTED, S.NOMINATED} <= set(Project.objects.filter(batch=batch).values_list("state", flat=True))
    pilot = Batch.objects.get(owner=second, selection_end__lt=demo.today)
    assert set(Project.objects.filter(batch=pilot).values_list("state", flat=True)) == {S.RECOGNIZED}


def test_the_province_batch_takes_one_recommendation_from_each_school(demo):
    [batch] = Batch.objects.filter(owner__kind="upper", selection_end__gte=demo.today)
    assert batch.level == "province" and batch.phase_on(demo.today) == P.SELECTION
    recommended = Project.objects.filter(batch=batch).select_related("unit", "source__batch")
    assert sorted(p.unit.name for p in recommended) == sorted(["北京中医药大学党委", "中原师范学院党委"])
    assert all(p.state == S.NOMINATED and p.source is not None and p.source.batch.level == "school"
               for p in recommended)
    # The first university's five, and its 学生党支部专项 waiting for 认定.
    assert Batch.objects.filter(owner__name="北京中医药大学党委").count() == 6


def test_recommended_projects_carry_a_rank_and_an_opinion(demo):
    nominated = Project.objects.filter(state=S.NOMINATED)
    assert nominated.exists()
    assert not nominated.filter(nomination_rank__isnull=True).exists()
    assert not nominated.filter(recommendation="").exists()


def test_a_notice_is_open_today_and_anyone_sees_its_objection_form(demo, client):
    open_today = [notice for notice in Notice.objects.all() if notice.status_on(demo.today) == "open"]
    assert open_today, "演示数据中没有今天处于公示期的公示"
    notice = open_today[0]
    listing = client.get(reverse("public:notice_list"))
    assert listing.status_code == 200 and notice.title in listing.content.decode()
    page = client.get(reverse("public:notice_detail", args=[notice.pk]))
    content = page.content.decode()
    assert page.status_code == 200 and "公示中" in content
    assert re.search(r'<form[^>]*method="post"', content) and "提交异议" in content


def test_no_branch_is_founded_before_the_year_in_its_name_or_after_today(demo):
    for branch in Organization.objects.exclude(founded_on=None):
        assert branch.founded_on <= demo.today, branch.name
        named = re.search(r"(\d{4})级", branch.name)
        if named:
            assert branch.founded_on >= datetime.date(int(named.group(1)), 9, 1), (branch.name, branch.founded_on)


def test_every_evidence_file_is_a_real_image_or_pdf(demo):
    attachments = list(Attachment.objects.all())
    assert {a.content_type for a in attachments} >= {"image/png", "image/jpeg", "application/pdf"}
    for attachment in attachments:
        content = (demo.media_root / attachment.path).read_bytes()
        if attachment.content_type.startswith("image/"):
            with Image.open(io.BytesIO(content)) as image:
                image.verify()
        else:
            assert content.startswith(b"%PDF-") and b"xref" in content and content.rstrip().endswith(b"%%EOF")
        checked = check_upload(SimpleUploadedFile(attachment.original_name, content))
        assert checked.content_type == attachment.content_type


APPLICATION = {"title": "支部建在教研室上", "concept": "立意", "practice": "做法", "experience": "经验", "plan": "思路",
               "activities-TOTAL_FORMS": "1", "activities-INITIAL_FORMS": "0", "activities-MIN_NUM_FORMS": "1",
               "activities-MAX_NUM_FORMS": "2", "activities-0-name": "读书会", "activities-0-description": "每月一次",
               "activities-0-planned_budget": "3000"}


def as_user(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_the_secretary_applies_to_the_fourth_batch_as_the_readme_says(demo, client):
    """README: 第四批正在选苗，可以新建申报. Offered on home, the batch page and the form, and saving succeeds."""
    as_user(client, "secretary")
    batch = Batch.objects.get(name="第四批“样板党支部”培育工程")
    start = reverse("cultivation:project_start", args=[batch.pk])
    home = client.get("/").content.decode()
    assert batch.name in home and "查看并申报" in home and 'data-testid="open-batch-refused"' not in home
    assert start in client.get(reverse("cultivation:batch_detail", args=[batch.pk])).content.decode()
    form = client.get(start).content.decode()
    assert 'name="title"' in form and "保存草稿" in form
    branch = Organization.objects.get(name="中医内科学教研室党支部")
    client.post(start, {"organization": branch.pk, **APPLICATION})
    assert Project.objects.filter(batch=batch, organization=branch, state=S.DRAFT).exists()


@pytest.mark.parametrize("username, level", [("staff", "school"), ("province", "province")])
def test_a_just_ended_recognition_notice_lets_its_organizer_recognize_at_once(demo, client, username, level):
    ended = [notice for notice in Notice.objects.filter(kind="recognition", batch__level=level,
                                                          withdrawn_at__isnull=True).select_related("batch")
             if notice.status_on(demo.today) == "closed" and notice.batch.phase_on(demo.today) == P.RECOGNITION]
    assert ended, f"演示数据中没有{level}级拟认定公示刚期满、待认定的批次"
    notice = ended[0]
    waiting = list(Project.objects.filter(notice_items__notice=notice, state=S.SHORTLISTED))
    assert waiting
    as_user(client, username)
    screening = client.get(reverse("cultivation:screening", args=[notice.batch.pk])).content.decode()
    recognize = reverse("cultivation:project_move", args=[waiting[0].pk, "recognize"])
    assert recognize in screening
    client.post(recognize, {"version": waiting[0].version})
    assert Project.objects.get(pk=waiting[0].pk).state == S.RECOGNIZED
