"""Loads the rubric of the "七个有力" with seed 002's own descriptions (三、(一)).

The 特色要求 (三、(二)) differ by kind of branch and are added per rubric as criteria restricted to
that kind; a rubric is data, so a school changes it in the admin, never in code.
"""

from decimal import Decimal

from django.db import migrations

CODE = "qigeyouli"
SEVEN = [
    ("教育党员有力", "坚持以“三会一课”为基本制度，以“两学一做”为基本内容，党员理想信念教育、党性教育、纪律教育、道德品行教育扎实开展，主题党日严格规范。"),
    ("管理党员有力", "党员发展、党员培训、党籍管理、党费收缴、党员激励关怀帮扶等工作扎实有效，党员先锋模范作用充分发挥，不合格党员组织处置稳妥有序。"),
    ("监督党员有力", "坚持把纪律和规矩挺在前面，善于发现苗头性倾向性问题，“咬耳扯袖”成为常态，监督党员履行义务、遵规守纪及时到位，教育引导、组织处置等措施有效运用。"),
    ("组织师生有力", "最大限度地把师生组织起来，引领带动师生投入中心工作的动员力、实效性强。"),
    ("宣传师生有力", "学习传达上级党组织决策部署及时到位，注重发现树立、宣传推广师生身边典型人物、典型事迹。"),
    ("凝聚师生有力", "善于统一思想、凝聚人心、增进共识，思想引领和价值观塑造有机融入教师教学科研、学生学习生活，组织引领师生听党话、跟党走成效突出。"),
    ("服务师生有力", "常态化了解师生困难诉求、倾听师生意见建议，师生有困难找支部、有问题找党员的帮扶机制健全有效。"),
]


def load(apps, schema_editor):
    Rubric = apps.get_model("evaluations", "Rubric")
    Criterion = apps.get_model("evaluations", "Criterion")
    if Rubric.objects.filter(code=CODE).exists():
        return
    rubric = Rubric.objects.create(
        code=CODE, version=1, name="样板党支部评估指标（七个有力）",
        description="依据《教育部办公厅关于开展新时代高校党建示范创建和质量创优工作的通知》对样板党支部“七个有力”的要求；"
                    "各类党支部的特色要求可作为适用于该类支部的指标加入。",
    )
    Criterion.objects.bulk_create(
        Criterion(rubric=rubric, order=order, group="基本要求（七个有力）", name=name, description=description,
                  max_score=Decimal("10"), weight=Decimal("1"), branch_kind="")
        for order, (name, description) in enumerate(SEVEN, start=1)
    )


def unload(apps, schema_editor):
    Rubric = apps.get_model("evaluations", "Rubric")
    Criterion = apps.get_model("evaluations", "Criterion")
    Criterion.objects.filter(rubric__code=CODE, rubric__version=1).delete()
    Rubric.objects.filter(code=CODE, version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
