"""Ships seed 002's 特色要求 (三、(二)) with the 七个有力: a new version of the rubric holding the seven and, per
kind of branch, the seed's own requirements (criteria restricted to that kind). A new version, not new rows in
the first: a rubric already used for a score is frozen (Rubric.save), and the first version's seven alone stay
what earlier rounds were judged by. Where a rubric of the 七个有力 already holds 特色要求 (the demo, or staff who
entered them), nothing is added.

The weights follow the demo that used to add them: each kind of branch gets 30 points beyond the seven's 70.
"""

from decimal import Decimal

from django.db import migrations

CODE = "qigeyouli"
GROUP = "特色要求"
NAME = "样板党支部评估指标（七个有力及特色要求）"
DESCRIPTION = ("依据《教育部办公厅关于开展新时代高校党建示范创建和质量创优工作的通知》对样板党支部“七个有力”的要求，"
               "并按党支部类别加入培育方案的特色要求（教职工党支部分业务机构与行政管理、服务保障机构，学生党支部）。")
FEATURED = [
    ("business", "党建与业务融合", 20,
     "以业务机构为基础建立的党支部,要在学校办学主业中有所作为。在人才培养、科学研究、队伍建设、文化传承创"
     "新或学业成长等方面取得明显进步或较大突破;党支部在此过程中提供了坚实的组织基础和精神力量,主动组织大"
     "练兵大比武、传帮带、比学超等多种活动,或者组织学术经验文化传统的继承传承传播创新等活动,形成重视业务"
     "、钻研业务、提升业务的氛围和比学赶帮的局面;党员在取得进步或突破过程中发挥主导或带头作用,或者党员是"
     "业务工作的带头人或团队带头人。党支部获得教学、科研、医疗课题项目等方面的立项或奖项等;也可以是获得“"
     "卓越课程”、“教师活动月”(讲课大赛、教学设计大赛)等实操活动的立项、奖项。要注重在高层次人才、业务"
     "骨干、青年教师职工中培养发展党员。此外,以业务机构为基础建立的党支部也要践行全心全意为人民服务的宗旨"
     ",善待学生、善待患者,服务学生成长成才、服务患者早日康复。"),
    ("business", "课程思政", 10,
     "其中,以教育教学机构为基础建立的党支部,样板党支部要在推进课程思政方面有所作为,尤其注意将优秀中华传"
     "统文化、民族思想道德、中医药文化融入课程思政之中。例如,党支部可以采取研讨、交流、观摩、头脑风暴等多"
     "种形式寻找课程思政在知识点、教学设计、教学方法、教学效果等方面的切入点,提高课程思政的质量。"),
    ("service", "作风建设", 20,
     "以行政管理、服务保障机构为基础建立的党支部,要在作风建设中有所作为。强化全心全意为人民服务的宗旨意识"
     ",改进工作作风,建立良好的党群关系,机关、行政、后勤机构的党支部,注重改进态度和能力;在窗口服务、设"
     "施保障、技术支持等方面广受好评;党支部在此过程中提供了坚实的组织基础和精神力量,主动组织增强服务意识"
     "、提升服务技能、改善服务态度的培训教育和交流活动;在急难险重任务中,发挥战斗堡垒作用;党员服务意识强"
     "、服务态度好、服务能力高,广受师生好评;在急难险重任务中,党员勇挑重担冲锋在前。"),
    ("service", "简政放权、优化服务", 10,
     "以行政管理为基础建立的党支部还要探索“简政放权、放管结合、优化服务”的实现途径,转变观念、克服惯性、"
     "用好信息技术手段,使管理更加现代化,使行政更加便利化。"),
    ("student", "学习先锋", 15,
     "学生党支部,要积极引导、鼓励、组织学生党员争做学习先锋,模范遵守学校的学业规定,刻苦钻研,提升专业学"
     "习成绩,获得奖学金;积极参与学业辅导工作,主动帮助学习成绩落后的同学进步;主动组织参加“学生竞赛月”"
     "(临床技能大赛、解剖绘图大赛)等实操活动,并获得优异成绩;要引领广大同学保持良好生活习惯,营造良好的"
     "教室寝室氛围,拒绝黄赌毒等不良嗜好;"),
    ("student", "志愿服务与特色品牌", 15,
     "扎实开展学生党员先锋工程,以志愿服务、社会实践、红色“1+1”等活动,打造特色品牌;在优秀大学生中发"
     "展党员,特别是在本科生和少数民族学生中发展党员,要严把发展质量,严格发展流程,改善学生党员结构比例。"),
]


def load(apps, schema_editor):
    Rubric = apps.get_model("evaluations", "Rubric")
    Criterion = apps.get_model("evaluations", "Criterion")
    if Criterion.objects.filter(rubric__code=CODE, group=GROUP).exists():
        return
    base = Rubric.objects.filter(code=CODE).order_by("-version").first()
    if base is None:
        return
    rubric = Rubric.objects.create(code=CODE, version=base.version + 1, name=NAME, description=DESCRIPTION,
                                   batch_kind="model_branch")
    seven = [Criterion(rubric=rubric, order=c.order, group=c.group, name=c.name, description=c.description,
                       max_score=c.max_score, weight=c.weight, branch_kind=c.branch_kind)
             for c in Criterion.objects.filter(rubric=base).order_by("order", "id")]
    start = max((c.order for c in seven), default=0) + 1
    featured = [Criterion(rubric=rubric, order=order, group=GROUP, name=name, description=description,
                          max_score=Decimal(maximum), weight=Decimal(1), branch_kind=kind)
                for order, (kind, name, maximum, description) in enumerate(FEATURED, start=start)]
    Criterion.objects.bulk_create(seven + featured)


def unload(apps, schema_editor):
    Rubric = apps.get_model("evaluations", "Rubric")
    for rubric in Rubric.objects.filter(code=CODE, name=NAME):
        if not rubric.rounds.exists():  # a rubric a round was judged by stays
            rubric.criteria.all().delete()
            rubric.delete()


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0003_rubric_batch_kind")]

    operations = [migrations.RunPython(load, unload)]
