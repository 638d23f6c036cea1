"""The columns of planning's 导出 Excel: the commendations and the task-book review queue."""

from branches.exports import Column, display, local, related

COMMENDATION_COLUMNS = [
    Column("表彰对象", lambda c: c.person_label or c.project.organization.name, 30),
    Column("党支部", related("project.organization.name"), 30),
    Column("荣誉称号", related("title"), 30),
    Column("表彰单位", related("conferred_by"), 24),
    Column("表彰级别", display("level")),
    Column("表彰日期", related("awarded_on", None), 12),
    Column("成果来源（批次）", related("project.batch.name"), 30),
    Column("状态", lambda c: "已发布" if c.published_at else "未发布"),
    Column("表彰事迹", related("citation"), 60),
]

QUEUE_COLUMNS = [
    Column("党支部", related("project.organization.name"), 30),
    Column("二级党组织", related("project.unit.name"), 24),
    Column("批次", related("project.batch.name"), 30),
    Column("版本", lambda book: f"第{book.number}版" + ("（修订）" if book.change_reason else "")),
    Column("修订原因", related("change_reason"), 40),
    Column("提交时间", lambda book: local(book.updated_at), 18),
]
