"""The columns of the 导出 Excel of the publicity pieces waiting for review."""

from branches.exports import Column, display, local, related

PIECE_QUEUE_COLUMNS = [
    Column("标题", related("title"), 40),
    Column("类型", display("kind")),
    Column("党支部", related("project.organization.name"), 30),
    Column("二级党组织", related("project.unit.name"), 24),
    Column("批次", related("project.batch.name"), 30),
    Column("状态", display("state"), 16),
    Column("提交时间", lambda piece: local(piece.updated_at), 18),
]
