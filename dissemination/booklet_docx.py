"""The 成果汇编 as a Word document (python-docx): a cover, the list of chapters, one Heading 1 per chapter,
its pictures embedded from the stored files."""

import io

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_BREAK
from docx.shared import Cm

from branches import media


def booklet_docx(batch, chapters):
    document = Document()
    document.add_paragraph(batch.name).style = document.styles["Title"]
    document.add_paragraph("示范建设成果资料汇编")
    document.add_paragraph(f"主办单位：{batch.owner.name}")
    document.add_paragraph(f"{timezone.localdate():%Y年%m月%d日}")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("目录", style="Subtitle")
    for chapter in chapters:
        document.add_paragraph(chapter.heading, style="List Number")
    for chapter in chapters:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        document.add_heading(chapter.heading, level=1)
        document.add_heading("典型经验", level=2)
        for title, text in chapter.experiences:
            if title:
                document.add_paragraph(title).runs[0].bold = True
            document.add_paragraph(text)
        if chapter.summary:
            document.add_heading("工作总结", level=2)
            document.add_paragraph(chapter.summary)
        if chapter.four_ones:
            document.add_heading("示范建设“四个一”", level=2)
            for label, items in chapter.four_ones:
                for item in items:
                    document.add_paragraph(f"{label}：{item.title}", style="List Bullet")
        if chapter.outcomes:
            document.add_heading("培育成果", level=2)
            for outcome in chapter.outcomes:
                document.add_paragraph(f"{outcome.get_kind_display()}：{outcome.title}", style="List Bullet")
        if chapter.pictures:
            document.add_heading("图片", level=2)
            for picture in chapter.pictures:
                if media.exists(picture.path):
                    with media.open_file(picture.path) as stored:
                        document.add_picture(io.BytesIO(stored.read()), width=Cm(12))
                    document.add_paragraph(picture.caption or picture.original_name)
        if chapter.commendations:
            document.add_heading("表彰奖励", level=2)
            for commendation in chapter.commendations:
                document.add_paragraph(commendation.display, style="List Bullet")
        document.add_heading("宣传作品", level=2)
        for piece in chapter.pieces:
            document.add_heading(str(piece), level=3)
            for paragraph in piece.body.splitlines():
                if paragraph.strip():
                    document.add_paragraph(paragraph.strip())
        if not chapter.pieces:
            document.add_paragraph("（暂无）")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
