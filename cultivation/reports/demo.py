"""Demo data for the 培育 phase: progress reports in every state, evidence files, publications, outcomes,
exemplars, allocations and spending. Called at the end of cultivation/demo.py with its context.

The demo secretary's branch goes through the real services (so the event log, the inbox and the
mail outbox hold what they would in real use); the other branches have no demo users, so their
records are written directly, with dates spread over the 培育 window.
"""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ..models import Exemplar, FeaturedActivity, Outcome, ProgressReport, Publication, Spending
from . import evidence as report_evidence
from . import services as reports
from .enums import Channel, ExemplarKind, OutcomeType, ReportState
from .selectors import periods_of

NARRATIVES = [
    "本月召开支部党员大会，传达学习上级精神；支委会研究部署“经典诵读进课堂”特色活动；各党小组结合教研室工作开展学习讨论。",
    "支部书记讲专题党课，围绕“七个有力”对照检查；主题党日走进社区开展中医药健康义诊，服务群众80余人次。",
    "开展“师生党员结对帮扶”，党员教师与学生党员共同备课、共同参与临床带教；收集活动图片和原声记录，形成新闻简稿。",
    "总结阶段性经验，形成《教研室党支部“三会一课”工作手册》初稿；在“数字北中医”发布新闻2篇，学习强国刊发1篇。",
]
RETURN_COMMENT = "主题党日活动记录不完整：请补充活动照片及参会人员签到表，并说明特色活动经费的使用情况。"
PUBLICATIONS = [
    (Channel.CAMPUS_NEWS, "中医内科学教研室党支部开展“经典诵读进课堂”主题党日活动"),
    (Channel.XUEXI, "把党支部建在教研室上：一堂别开生面的课程思政示范课"),
    (Channel.WECHAT_ACCOUNT, "党员先锋岗：让患者少跑一次腿"),
    (Channel.E_PIONEER, "“三会一课”规范化建设经验交流"),
    (Channel.WECHAT_GROUP, "支部书记讲党课：在守正创新中传承岐黄薪火"),
]
OUTCOMES = [
    (OutcomeType.SYSTEM, "教研室党支部“三会一课”工作手册", "明确会前研学、会中研讨、会后践学的流程，附记录模板。"),
    (OutcomeType.METHOD, "“支部+教研室”双融合工作法", "党建与教学科研同谋划、同部署、同考核。"),
    (OutcomeType.BRAND, "“经典诵读进课堂”课程思政品牌", "将中医经典与医德教育融入专业课程。"),
    (OutcomeType.PLATFORM, "支部微信公众号“岐黄党旗红”", "每周更新，累计推送40余篇。"),
    (OutcomeType.RESEARCH, "《高校教研室党支部组织力提升路径研究》", "发表于校党建研究专刊。"),
    (OutcomeType.PROMOTION, "在全校党支部书记培训班作经验交流", "带动3个兄弟党支部借鉴推广。"),
]
EXEMPLARS = [
    (ExemplarKind.PIONEER_POST, "李建华", "设立“门诊党员先锋岗”，坚持每周两个半天义诊咨询，年服务患者600余人次。"),
    (ExemplarKind.PLEDGE, "王晓燕", "承诺每学期为学生党员讲授一次专题党课，已兑现3次。"),
    (ExemplarKind.PLEDGE, "陈志远", "承诺带教青年教师2名完成课程思政教学设计，均已获校级立项。"),
]


def _picture(color, image_format):
    """A small real photo stand-in (a framed colour card), made at seed time so that every evidence
    image opens in a browser and passes the upload checks like a user's photo would."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), color)
    draw = ImageDraw.Draw(image)
    draw.rectangle([20, 20, 300, 180], outline=(255, 215, 0), width=6)
    draw.polygon([(160, 50), (172, 88), (212, 88), (180, 110), (192, 148), (160, 125), (128, 148), (140, 110),
                  (108, 88), (148, 88)], fill=(255, 215, 0))
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **({"quality": 85} if image_format == "JPEG" else {}))
    return buffer.getvalue()


def _pdf(color):
    """A one-page PDF with a real cross-reference table (Pillow writes one), so viewers open it."""
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (595, 842), color)
    draw = ImageDraw.Draw(page)
    draw.rectangle([60, 60, 535, 90], fill=(183, 28, 28))  # a red header, then grey lines of "text"
    for line in range(24):
        draw.line([(60, 130 + 26 * line), (535 - 90 * (line % 4 == 3), 130 + 26 * line)], fill=(170, 170, 170), width=3)
    buffer = io.BytesIO()
    page.save(buffer, format="PDF", resolution=72)
    return buffer.getvalue()


def build(context):
    batch = context["batches"]["cultivating"]
    projects = list(context["projects"]["cultivating"])
    if not projects:
        return
    today = context.get("today") or timezone.localdate()
    users = context["users"]
    own_branch = context["secretary_branch"]
    own = next((p for p in projects if p.organization_id == own_branch.pk), None)
    for project in projects:
        _fund(project, users)
    if own is not None:
        _own_branch(own, users, today)
    for index, project in enumerate(p for p in projects if p is not own):
        _other_branch(project, users, today, index)
    # The batch in 中期评估 has a whole 培育 phase behind it: its reviewers read those reports.
    for index, project in enumerate(context["projects"].get("midterm", [])):
        _fund(project, users)
        _other_branch(project, users, today, index, finished=True)
    return batch


def _fund(project, users):
    """组织部 allocates each featured activity its planned budget (rounded) or a default."""
    for activity in FeaturedActivity.objects.filter(project=project):
        amount = activity.planned_budget or Decimal("8000")
        report_evidence.activity_allocate(activity=activity, amount=amount, actor=users["staff"])


def _own_branch(project, users, today):
    secretary, unit, staff = users["secretary"], users["unit"], users["staff"]
    past = [p for p in periods_of(project) if p.due < today]
    accepted, returned = past[:-1], past[-1:]
    for n, period in enumerate(accepted):
        report = _written(project, period, secretary, n)
        reports.report_submit(report=report, actor=secretary)
        reports.report_endorse(report=report, actor=unit, comment="同意，材料扎实。")
        reports.report_accept(report=report, actor=staff)
        _backdate(report, period.due)
    for period in returned:
        report = _written(project, period, secretary, len(accepted))
        reports.report_submit(report=report, actor=secretary)
        reports.report_return(report=report, actor=unit, comment=RETURN_COMMENT)
    # The current period stays due: nothing begun, so it shows in 本期待提交 and gets reminded.
    report_for_files = ProgressReport.objects.filter(project=project, state=ReportState.RETURNED).first()
    files = [("主题党日合影.png", _picture((183, 28, 28), "PNG"), None),
             ("经典诵读进课堂活动现场.jpg", _picture((150, 30, 30), "JPEG"), None),
             ("支部党员大会会议记录.pdf", _pdf((255, 255, 255)), report_for_files),
             ("特色活动经费使用说明.pdf", _pdf((250, 250, 245)), None)]
    for name, content, report in files:
        attachment = report_evidence.attachment_add(project=project, actor=secretary, caption=name.rsplit(".", 1)[0],
                                                    file=SimpleUploadedFile(name, content), report=report)
        if attachment.can_preview and report is None:
            publish_picture(attachment, secretary=secretary, unit=unit, school=staff)
    for n, (channel, title) in enumerate(PUBLICATIONS):
        report_evidence.evidence_add(evidence="publication", project=project, actor=secretary, channel=channel,
                                     title=title, link=f"https://news.bucm.edu.cn/demo/{n + 1}.html",
                                     published_on=today - datetime.timedelta(days=20 + 35 * n))
    for n, (kind, title, description) in enumerate(OUTCOMES):
        report_evidence.evidence_add(evidence="outcome", project=project, actor=secretary, kind=kind, title=title,
                                     description=description, achieved_on=today - datetime.timedelta(days=30 * n + 10))
    for kind, person, description in EXEMPLARS:
        report_evidence.evidence_add(evidence="exemplar", project=project, actor=secretary, kind=kind, person=person,
                                     description=description)
    for n, activity in enumerate(FeaturedActivity.objects.filter(project=project)):
        for m, (amount, purpose) in enumerate([("1260.00", "印制经典诵读读本"), ("2380.50", "主题党日场地与交通"),
                                               ("860.00", "新闻简稿与视频剪辑")]):
            if Decimal(amount) <= activity.allocated_budget - _spent(activity):
                report_evidence.spending_add(activity=activity, actor=secretary, amount=amount,
                                             spent_on=today - datetime.timedelta(days=25 * (m + 1) + n),
                                             purpose=purpose, today=today)


def publish_picture(attachment, *, secretary, unit, school):
    """The whole review before a picture is public, as the people would make it: the showcase shows it then."""
    for name, actor in [("request", secretary), ("endorse", unit), ("approve", school)]:
        attachment = report_evidence.picture_move(attachment=attachment, name=name, actor=actor)
    return attachment


def _written(project, period, secretary, n):
    report = reports.report_start(project=project, period_due=period.due, actor=secretary)
    activities = {a.pk: {"times_held": 1 + n % 2, "participants": 18 + 3 * n, "progress": "按计划推进，已形成活动记录。"}
                  for a in FeaturedActivity.objects.filter(project=project)}
    return reports.report_edit(
        report=report, actor=secretary, expected_version=report.version, narrative=NARRATIVES[n % len(NARRATIVES)],
        counts={"congress_count": 1 if n % 3 == 0 else 0, "committee_count": 1, "group_count": 2,
                "lecture_count": 1 if n % 2 == 0 else 0, "theme_day_count": 1, "new_members_count": 1 if n % 4 == 1 else 0},
        activities=activities)


def _backdate(report, due):
    """Services stamp "now"; the demo's history happened around each due date."""
    submitted = timezone.make_aware(datetime.datetime.combine(due - datetime.timedelta(days=2), datetime.time(16, 30)))
    ProgressReport.objects.filter(pk=report.pk).update(
        submitted_at=submitted, endorsed_at=submitted + datetime.timedelta(days=1, hours=-6),
        accepted_at=submitted + datetime.timedelta(days=4))


def _spent(activity):
    return sum((s.amount for s in Spending.objects.filter(activity=activity)), Decimal("0"))


def _other_branch(project, users, today, index, *, finished=False):
    """Branches without demo users: a believable mix, written directly (all accepted when the
    batch's 培育 phase is over)."""
    recorder = users["staff"]  # these branches have no demo secretary: 组织部 recorded on their behalf
    past = [p for p in periods_of(project) if p.due < today]
    # Most branches are up to date; every third lags one period behind (it shows as 已逾期).
    upto = len(past) - (1 if index % 3 == 2 and not finished else 0)
    for n, period in enumerate(past[:upto]):
        last = n == upto - 1
        state = ReportState.ACCEPTED
        if finished:
            pass
        elif last:
            state = [ReportState.SUBMITTED, ReportState.ENDORSED, ReportState.ACCEPTED][index % 3]
        elif n == upto - 2 and index % 2:
            state = ReportState.ENDORSED
        stamp = timezone.make_aware(datetime.datetime.combine(period.due - datetime.timedelta(days=1),
                                                              datetime.time(10, 0)))
        ProgressReport.objects.create(
            project=project, period_start=period.start, period_due=period.due, title=period.title, state=state,
            narrative=NARRATIVES[(n + index) % len(NARRATIVES)], congress_count=1 if n % 3 == 0 else 0,
            committee_count=1, group_count=1 + (n + index) % 3, lecture_count=1 if (n + index) % 2 == 0 else 0,
            theme_day_count=1, new_members_count=(n + index) % 3 // 2, submitted_at=stamp,
            endorsed_at=stamp + datetime.timedelta(days=1) if state != ReportState.SUBMITTED else None,
            accepted_at=stamp + datetime.timedelta(days=3) if state == ReportState.ACCEPTED else None)
    channel, title = PUBLICATIONS[index % len(PUBLICATIONS)]
    Publication.objects.create(project=project, channel=channel, title=f"{project.organization.name}：{title[-12:]}",
                               published_on=today - datetime.timedelta(days=15 + 10 * index), created_by=recorder)
    kind, outcome, description = OUTCOMES[index % len(OUTCOMES)]
    Outcome.objects.create(project=project, kind=kind, title=outcome, description=description, created_by=recorder)
    kind, _, description = EXEMPLARS[index % len(EXEMPLARS)]
    Exemplar.objects.create(project=project, kind=kind, person=f"党员{'甲乙丙丁戊己庚辛'[index % 8]}",
                            description=description, created_by=recorder)
    for activity in FeaturedActivity.objects.filter(project=project):
        if activity.allocated_budget >= Decimal("1000"):
            Spending.objects.create(activity=activity, amount=Decimal("600.00") + 100 * (index % 5),
                                    spent_on=today - datetime.timedelta(days=40), purpose="特色活动物料",
                                    created_by=recorder)
