"""The columns of the 导出 Excel of progress reports (each tab) and of funding."""

from branches.exports import Column, display, related

from .selectors import STATUS_LABELS

PERIOD_COLUMNS = [
    Column("党支部", related("project.organization.name"), 30),
    Column("二级党组织", related("project.unit.name"), 24),
    Column("批次", related("project.batch.name"), 30),
    Column("报告期", lambda p: p.title + ("（节点）" if p.milestone else ""), 24),
    Column("截止日期", related("due", None), 12),
    Column("状态", lambda p: STATUS_LABELS[p.current_status][0]),
    Column("剩余天数", related("current_days_left", None)),
    Column("草稿", lambda p: "已保存" if p.report is not None else ""),
]

REPORT_COLUMNS = [
    Column("党支部", related("project.organization.name"), 30),
    Column("二级党组织", related("project.unit.name"), 24),
    Column("批次", related("project.batch.name"), 30),
    Column("报告期", related("title"), 24),
    Column("截止日期", related("period_due", None), 12),
    Column("状态", display("state")),
    Column("退回意见", related("return_reason"), 40),
]

FUNDING_COLUMNS = [
    Column("培育单位", related("project.organization.name"), 30),
    Column("二级党组织", related("project.unit.name"), 24),
    Column("批次", related("project.batch.name"), 30),
    Column("特色活动", related("name"), 30),
    Column("计划经费（元）", related("planned_budget", None)),
    Column("学校支持经费（元）", related("allocated_budget", None)),
    Column("已支出（元）", related("spent", None)),
    Column("结余（元）", lambda a: a.allocated_budget - a.spent),
]
