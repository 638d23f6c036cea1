"""The columns of the 导出 Excel of the rounds, of a round's results (staff) and of the published results a
branch reads."""

from branches.exports import Column, display, related

ROUND_COLUMNS = [
    Column("名称", related("name"), 30),
    Column("批次", related("batch.name"), 30),
    Column("主办单位", related("batch.owner.name"), 24),
    Column("类型", display("phase")),
    Column("评分细则", lambda r: str(r.rubric), 30),
    Column("截止日期", related("deadline", None), 12),
    Column("状态", display("state"), 16),
    Column("已提交评分表", related("sheet_done", 0)),
    Column("评分表", related("sheet_total", 0)),
]


def round_result_columns(round_):
    columns = [
        Column("排名", related("rank", None)),
        Column("培育单位", related("project.organization.name"), 30),
        Column("二级党组织", related("project.unit.name"), 24),
        Column("有效评分", lambda r: len(r.sheets)),
        Column("待交评分", related("pending", 0)),
        Column("综合得分", related("score", None)),
        Column("等次", related("grade_label")),
        Column("分差", related("spread", None)),
        Column("自评", lambda r: r.self_evaluation.percent if r.self_evaluation else None),
    ]
    if round_.phase == "final":
        columns += [Column("中期得分", related("previous", None)), Column("变化", related("change", None))]
    return columns


BRANCH_RESULT_COLUMNS = [
    Column("评估轮次", lambda p: p["round"].name, 30),
    Column("培育项目", lambda p: p["project"].organization.name, 30),
    Column("批次", lambda p: p["project"].batch.name, 30),
    Column("公示日期", lambda p: p["round"].notice.starts_on, 12),
    Column("综合得分", lambda p: p["score"]),
    Column("等次", lambda p: p["grade_label"]),
    Column("自评", lambda p: p["self_percent"]),
]
