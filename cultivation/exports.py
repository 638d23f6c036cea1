"""The columns of cultivation's 导出 Excel: batches, projects, screening, nominations, notices, objections."""

from branches.exports import Column, display, local, related


def batch_columns(today):
    return [
        Column("批次", related("name"), 36),
        Column("主办单位", related("owner.name"), 24),
        Column("项目类型", display("kind"), 16),
        Column("级别", display("level")),
        Column("年度", related("year", None)),
        Column("当前阶段", lambda b: b.phase_text(today), 12),
        Column("选苗开始", related("selection_start", None), 12),
        Column("选苗结束", related("selection_end", None), 12),
        Column("相关项目", related("project_count", 0)),
    ]


PROJECT_COLUMNS = [
    Column("培育单位", related("organization.name"), 30),
    Column("组织编码", related("organization.code")),
    Column("二级党组织", related("unit.name"), 24),
    Column("批次", related("batch.name"), 30),
    Column("创建主题", related("title"), 30),
    Column("状态", display("state")),
    Column("推荐排序", related("nomination_rank", None)),
    Column("中期评估等次", display("midterm_grade")),
    Column("验收等次", display("final_grade")),
    Column("提交时间", lambda p: local(p.submitted_at), 18),
]

SCREENING_COLUMNS = [
    Column("党支部", related("organization.name"), 30),
    Column("二级党组织", related("unit.name"), 24),
    Column("支部类型", lambda p: p.organization.get_branch_type_display()),
    Column("支部分类", lambda p: p.organization.get_category_display()),
    Column("推荐排序", related("nomination_rank", None)),
    Column("推荐意见", related("recommendation"), 40),
    Column("创建主题", related("title"), 30),
    Column("状态", display("state")),
    Column("筛选意见", related("screening_note"), 40),
    Column("提交时间", lambda p: local(p.submitted_at), 18),
]

NOMINATION_COLUMNS = [
    Column("党支部", related("organization.name"), 30),
    Column("二级党组织", related("unit.name"), 24),
    Column("创建主题", related("title"), 30),
    Column("状态", display("state")),
    Column("推荐排序", related("nomination_rank", None)),
    Column("推荐意见", related("recommendation"), 40),
    Column("提交时间", lambda p: local(p.submitted_at), 18),
]

NOTICE_COLUMNS = [
    Column("标题", related("title"), 40),
    Column("批次", related("batch.name"), 30),
    Column("公示类型", display("kind")),
    Column("公示开始", related("starts_on", None), 12),
    Column("公示截止", related("ends_on", None), 12),
    Column("公示项目数", related("item_count", 0)),
    Column("异议数", related("objection_count", 0)),
    Column("未处理异议", related("pending", 0)),
    Column("撤销时间", lambda n: local(n.withdrawn_at), 18),
]

OBJECTION_COLUMNS = [
    Column("提出人", related("name")),
    Column("联系方式", related("contact"), 20),
    Column("所在单位", related("affiliation"), 20),
    Column("针对", lambda o: o.item.project.organization.name if o.item_id else "整份公示", 30),
    Column("异议内容", related("content"), 60),
    Column("提交时间", lambda o: local(o.created_at), 18),
    Column("处理结果", display("outcome")),
    Column("处理情况", related("response"), 60),
    Column("处理人", lambda o: (o.answered_by.get_full_name() or o.answered_by.username) if o.answered_by_id else ""),
    Column("处理时间", lambda o: local(o.answered_at), 18),
]

# The objections across notices: which notice each answers, then the columns of one notice's export.
OBJECTION_LIST_COLUMNS = [
    Column("公示", related("notice.title"), 40),
    Column("批次", related("notice.batch.name"), 30),
] + OBJECTION_COLUMNS
