"""A believable university for demonstrations (about 30 secondary organizations, 300 branches), under a
province's 教育工委 that also oversees a second, smaller university (3 secondary organizations, 12 branches).

The first university is built exactly as before the province existed (same names, codes, order and
random draws); the province and the second university come after it, with codes and a random
generator of their own, so nothing of the first changes."""

import datetime
import random

from django.contrib.auth import get_user_model

from .enums import BranchCategory as C
from .enums import BranchType, OrgKind, Role
from .models import Organization
from .services import refresh_tree, role_grant

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍申尤毕聂柴焦向柳邢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红玲建国志文斌宇浩凯鹏飞晨曦思远佳琪子涵雨欣梓萱一诺博文嘉怡天宇俊杰欣怡浩然晓东春梅海燕立新振华永红卫东雪梅"

COLLEGE_FACULTY = {
    "基础医学院": ["中医基础理论教研室", "中医诊断学教研室", "人体解剖学教研室", "生理学教研室", "病理学教研室", "免疫学教研室", "医学伦理学教研室"],
    "中医学院": ["中医内科学教研室", "伤寒论教研室", "金匮要略教研室", "温病学教研室", "中医各家学说教研室", "中医儿科学教研室", "中医妇科学教研室"],
    "中药学院": ["中药学系", "中药化学系", "中药药剂系", "中药鉴定系", "中药药理系", "制药工程系"],
    "针灸推拿学院": ["针灸学系", "推拿学系", "经络腧穴教研室", "刺法灸法教研室", "针灸临床教研室"],
    "管理学院": ["公共事业管理系", "工商管理系", "信息管理系", "卫生法学系", "管理学院行政"],
    "人文学院": ["中国语言文学系", "外国语言文学系", "中医文化研究所", "心理学系"],
    "马克思主义学院": ["马克思主义基本原理教研室", "思想道德与法治教研室", "中国近现代史纲要教研室", "形势与政策教研室"],
    "护理学院": ["基础护理教研室", "临床护理教研室", "护理人文教研室", "护理学院行政"],
    "生命科学学院": ["生物化学教研室", "分子生物学教研室", "生物信息学教研室", "生命科学实验中心"],
    "国际学院": ["对外汉语教研室", "国际交流办公室", "留学生管理办公室"],
    "中西医结合学院": ["中西医结合基础教研室", "中西医结合临床教研室", "中西医结合研究所"],
}
HOSPITALS = {
    "第一临床医学院（东直门医院）": ["心血管科", "消化科", "呼吸科", "肾病科", "脑病科", "肿瘤科", "骨科", "针灸科", "急诊科", "儿科", "血液科", "风湿科", "妇科", "皮肤科", "肛肠科"],
    "第二临床医学院（东方医院）": ["心血管科", "内分泌科", "脾胃肝胆科", "皮肤科", "妇科", "眼科", "耳鼻喉科", "康复科", "肿瘤科", "周围血管科", "老年病科", "普外科"],
    "第三临床医学院": ["内科", "外科", "针灸推拿科", "老年病科", "治未病科", "重症医学科", "骨伤科", "神经内科"],
}
HOSPITAL_TECH = ["检验科", "放射科", "药剂科", "超声科", "病理科", "核医学科"]
HOSPITAL_ADMIN = ["医院办公室", "医务处", "护理部", "后勤保障处"]
ADMIN_OFFICES = ["党委办公室·校长办公室", "组织部·统战部", "宣传部", "纪委办公室", "学生工作部（处）", "研究生工作部",
                 "教务处", "科技处", "人事处", "财务处", "国际合作与交流处", "发展规划处", "审计处", "保卫处",
                 "资产管理处", "图书档案办公室", "研究生院", "招生就业处", "实验室与设备管理处", "继续教育管理处"]
LOGISTICS = ["餐饮服务中心", "物业服务中心", "基建处", "校园管理中心", "良乡校区管理处", "能源管理中心"]
GENERAL_BRANCHES = {
    "继续教育学院党总支": [("继续教育学院教职工", C.ADMINISTRATION), ("远程教育中心", C.TEACHING_SUPPORT)],
    "图书馆党总支": [("图书馆流通部", C.TEACHING_SUPPORT), ("图书馆信息咨询部", C.TEACHING_SUPPORT), ("图书馆古籍部", C.TEACHING_SUPPORT)],
    "信息中心党总支": [("网络运维部", C.TEACHING_SUPPORT), ("信息系统部", C.TEACHING_SUPPORT)],
    "体育部党总支": [("体育教研室", C.TEACHING), ("传统体育教研室", C.TEACHING)],
    "实验动物研究中心党总支": [("实验动物管理部", C.RESEARCH), ("动物实验技术部", C.RESEARCH)],
    "中医药研究院党总支": [("临床研究所", C.RESEARCH), ("中药资源研究所", C.RESEARCH), ("针灸研究所", C.RESEARCH),
                       ("科研平台管理办公室", C.TEACHING_SUPPORT), ("中医药研究院研究生", C.GRADUATE)],
    "国学院党总支": [("国学院教职工", C.TEACHING), ("国学院学生", C.UNDERGRADUATE)],
    "岐黄国医书院党总支": [("岐黄国医书院教职工", C.TEACHING), ("岐黄国医书院学生", C.UNDERGRADUATE)],
}
DIRECT_BRANCHES = [("校医院直属党支部", C.MEDICAL), ("档案馆直属党支部", C.TEACHING_SUPPORT),
                   ("出版社直属党支部", C.ADMINISTRATION), ("教育基金会直属党支部", C.ADMINISTRATION),
                   ("工会直属党支部", C.ADMINISTRATION)]
RETIREES = "离退休工作处党委"

# Above the university: a province's 教育工委 (上级党组织), and a second, smaller university under it.
PROVINCE = ("HNJW", "省委教育工委")
SECOND_SCHOOL = ("ZYSF", "中原师范学院党委", datetime.date(1958, 9, 1))
# Each unit's branches: (name, category, founded). Founded years ago, so that every one may apply.
SECOND_UNITS = {
    "文学院党委": [("汉语言文学系教工党支部", C.TEACHING, datetime.date(2009, 10, 12)),
                ("新闻传播系教工党支部", C.TEACHING, datetime.date(2013, 4, 18)),
                ("文学院本科生第一党支部", C.UNDERGRADUATE, datetime.date(2016, 11, 3)),
                ("文学院研究生党支部", C.GRADUATE, datetime.date(2015, 10, 20))],
    "数学与统计学院党委": [("数学系教工党支部", C.TEACHING, datetime.date(2010, 3, 25)),
                    ("统计学系教工党支部", C.TEACHING, datetime.date(2014, 9, 16)),
                    ("数学与统计学院本科生第一党支部", C.UNDERGRADUATE, datetime.date(2017, 5, 9)),
                    ("数学与统计学院本科生第二党支部", C.UNDERGRADUATE, datetime.date(2018, 4, 26))],
    "机关党委": [("党政办公室党支部", C.ADMINISTRATION, datetime.date(2008, 6, 30)),
              ("组织部·宣传部党支部", C.ADMINISTRATION, datetime.date(2008, 6, 30)),
              ("教务处·科研处党支部", C.ADMINISTRATION, datetime.date(2011, 12, 8)),
              ("学生工作部党支部", C.ADMINISTRATION, datetime.date(2012, 3, 14))],
}

# (username, description, role); where each one works is the context's "accounts".
DEMO_USERS = [
    ("staff", "组织部 王老师", Role.ORG_STAFF),
    ("unit", "中医学院党委 李老师", Role.UNIT_STAFF),
    ("secretary", "中医内科学教研室党支部书记 张老师", Role.SECRETARY),
    ("reviewer", "管理学院 赵教授", Role.REVIEWER),
    ("province", "省委教育工委 组织处 陈老师", Role.ORG_STAFF),
    ("staff2", "中原师范学院党委组织部 刘老师", Role.ORG_STAFF),
]
# The first university's 组织部 also runs the admin; the province's and the second university's do not.
SUPERUSERS = {"staff"}


def latest_grade(today):
    """The newest grade (年级) of students already enrolled and organized on `today`."""
    return today.year if today >= datetime.date(today.year, 10, 1) else today.year - 1


class Builder:
    def __init__(self, today, *, seed=20190614, prefix=""):
        self.rng = random.Random(seed)
        self.today = today
        self.orgs = []
        self.counter = 0
        self.prefix = prefix  # before every code, so that a second builder's codes are its own

    def name(self):
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice([1, 2])))

    def code(self, prefix):
        self.counter += 1
        return f"{self.prefix}{prefix}{self.counter:04d}"

    def add(self, name, kind, parent, **fields):
        org = Organization(code=self.code("D" if kind != OrgKind.BRANCH else "Z"), name=name, kind=kind, parent=parent,
                           **fields)
        org.save()
        self.orgs.append(org)
        return org

    def branch(self, name, parent, category, *, kind=OrgKind.BRANCH, founded=None, **extra):
        student = category in (C.UNDERGRADUATE, C.GRADUATE)
        years_ago = self.rng.choice([1, 3, 4, 5, 6, 8, 10, 12, 15]) if founded is None else None
        founded = founded or self.today - datetime.timedelta(days=365 * years_ago + self.rng.randint(0, 300))
        full = self.rng.randint(8, 25) if student else self.rng.randint(6, 40)
        fields = dict(
            branch_type=BranchType.STUDENT if student else BranchType.FACULTY,
            category=category, founded_on=founded, secretary_name=self.name(),
            secretary_is_double_leader=(not student and self.rng.random() < 0.55),
            full_members=full, probationary_members=self.rng.randint(2, 12) if student else self.rng.randint(0, 3),
            declares_no_violation=self.rng.random() < 0.9, declares_no_conduct_issue=self.rng.random() < 0.9,
            declares_no_safety_risk=self.rng.random() < 0.9,
            is_active=self.rng.random() > 0.02,
        )
        fields.update(extra)
        return self.add(name, kind, parent, **fields)

    def students(self, college, short, parent):
        for n in range(1, self.rng.randint(3, 4) + 1):
            self.branch(f"{short}本科生第{'一二三四五'[n - 1]}党支部", parent, C.UNDERGRADUATE)
        # A branch named after a grade is set up in the September its students arrive, so the newest
        # grade is this year's only once that September is over.
        newest = latest_grade(self.today)
        for grade in range(newest - 2, newest + 1):
            self.branch(f"{short}{grade}级硕士研究生党支部", parent, C.GRADUATE,
                        founded=datetime.date(grade, 9, self.rng.randint(10, 30)))
        self.branch(f"{short}博士研究生党支部", parent, C.GRADUATE)


def build(today):
    """Create the tree and the demo users; returns what later apps' demos build on."""
    builder = Builder(today)
    school = builder.add("北京中医药大学党委", OrgKind.SCHOOL, None, founded_on=datetime.date(1956, 9, 1))
    units = {}
    for college, offices in COLLEGE_FACULTY.items():
        unit = units[college] = builder.add(f"{college}党委", OrgKind.COMMITTEE, school)
        for office in offices:
            category = C.ADMINISTRATION if "行政" in office else (C.RESEARCH if "研究" in office else C.TEACHING)
            builder.branch(f"{office}党支部", unit, category)
        builder.students(college, college.replace("学院", ""), unit)
    for hospital, departments in HOSPITALS.items():
        unit = units[hospital] = builder.add(f"{hospital}党委", OrgKind.COMMITTEE, school)
        # Large hospitals group their clinical branches under 党总支.
        short = hospital.split("（")[-1].rstrip("）") if "（" in hospital else hospital
        inner = builder.add(f"{hospital.split('（')[0]}内科党总支", OrgKind.GENERAL_BRANCH, unit)
        for index, department in enumerate(departments):
            builder.branch(f"{short}{department}党支部", inner if index % 2 == 0 else unit, C.MEDICAL)
        for department in HOSPITAL_TECH:
            builder.branch(f"{short}{department}党支部", unit, C.MEDICAL_TECH)
        for office in HOSPITAL_ADMIN:
            builder.branch(f"{short}{office}党支部", unit, C.LOGISTICS if "后勤" in office else C.ADMINISTRATION)
        builder.students(hospital, hospital.split("（")[0].replace("临床医学院", "临床"), unit)
    organs = units["机关"] = builder.add("机关党委", OrgKind.COMMITTEE, school)
    for office in ADMIN_OFFICES:
        builder.branch(f"{office}党支部", organs, C.ADMINISTRATION)
    logistics = units["后勤"] = builder.add("后勤党委", OrgKind.COMMITTEE, school)
    for office in LOGISTICS:
        builder.branch(f"{office}党支部", logistics, C.LOGISTICS)
    retirees = units["离退休"] = builder.add(RETIREES, OrgKind.COMMITTEE, school)
    for n in range(1, 9):
        builder.branch(f"离退休第{n}党支部", retirees, C.ADMINISTRATION)
    for name, branches in GENERAL_BRANCHES.items():
        unit = units[name] = builder.add(name, OrgKind.GENERAL_BRANCH, school)
        for branch_name, category in branches:
            builder.branch(f"{branch_name}党支部", unit, category)
    for name, category in DIRECT_BRANCHES:
        units[name] = builder.branch(name, school, category, kind=OrgKind.DIRECT_BRANCH)
    province, second_school = build_province(today, school)
    refresh_tree()
    for org in (school, province, second_school):
        org.refresh_from_db()

    secretary_branch = Organization.objects.get(name="中医内科学教研室党支部")
    Organization.objects.filter(pk=secretary_branch.pk).update(
        founded_on=datetime.date(2012, 9, 10), is_active=True, secretary_name="张明华", secretary_is_double_leader=True,
        full_members=23, probationary_members=1, declares_no_violation=True, declares_no_conduct_issue=True,
        declares_no_safety_risk=True,
    )
    scope = {
        Role.ORG_STAFF: school,
        Role.UNIT_STAFF: units["中医学院"],
        Role.SECRETARY: secretary_branch,
        Role.REVIEWER: units["管理学院"],
    }
    accounts = {"staff": school, "unit": units["中医学院"], "secretary": secretary_branch,
                "reviewer": units["管理学院"], "province": province, "staff2": second_school}
    users = {}
    return {"school": school, "units": units, "scope": scope, "users": users, "secretary_branch": secretary_branch,
            "rng": builder.rng, "today": today, "province": province, "second_school": second_school,
            "accounts": accounts}


def build_province(today, school):
    """The province's 教育工委 above `school`, and a second, smaller university beside it.

    Paths are left to the caller's refresh_tree(), as for the rest of the tree."""
    builder = Builder(today, seed=20230901, prefix="ZY")
    code, name = PROVINCE
    province = Organization(code=code, name=name, kind=OrgKind.UPPER)
    province.save()
    Organization.objects.filter(pk=school.pk).update(parent=province)
    code, name, founded = SECOND_SCHOOL
    second = Organization(code=code, name=name, kind=OrgKind.SCHOOL, parent=province, founded_on=founded)
    second.save()
    for unit_name, branches in SECOND_UNITS.items():
        unit = builder.add(unit_name, OrgKind.COMMITTEE, second)
        for branch_name, category, founded in branches:
            # Active and declared: every branch of the small university may apply.
            builder.branch(branch_name, unit, category, founded=founded, is_active=True, declares_no_violation=True,
                           declares_no_conduct_issue=True, declares_no_safety_risk=True)
    return province, second


def create_user(username, full_name, password, *, is_staff=False, is_superuser=False):
    user = get_user_model().objects.create_user(
        username=username, password=password, first_name=full_name, is_staff=is_staff, is_superuser=is_superuser)
    return user


def create_demo_users(context, password):
    for username, full_name, role in DEMO_USERS:
        is_super = username in SUPERUSERS
        user = create_user(username, full_name, password, is_staff=is_super, is_superuser=is_super)
        role_grant(actor=None, user=user, role=role, organization=context["accounts"][username])
        context["users"][username] = user
    return context["users"]
