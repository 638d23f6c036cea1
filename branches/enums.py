from django.db import models


class OrgKind(models.TextChoices):
    MINISTRY = "ministry", "教育部党组（国家级）"
    UPPER = "upper", "上级党组织"
    SCHOOL = "school", "学校党委"
    COMMITTEE = "committee", "基层党委"
    GENERAL_BRANCH = "general", "党总支"
    DIRECT_BRANCH = "direct", "直属党支部"
    BRANCH = "branch", "党支部"


# Organizations that may run a batch (a batch's owner), the level of its batches following from the kind:
# a school's 党委 runs 校级 batches, an 上级党组织 such as a province's 教育工委 省级 ones, the ministry 国家级.
OWNER_KINDS = {OrgKind.SCHOOL, OrgKind.UPPER, OrgKind.MINISTRY}

# A 直属党支部 is both secondary level and branch.
SECONDARY_KINDS = {OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.DIRECT_BRANCH}
BRANCH_KINDS = {OrgKind.BRANCH, OrgKind.DIRECT_BRANCH}


class BranchType(models.TextChoices):
    FACULTY = "faculty", "教职工党支部"
    STUDENT = "student", "学生党支部"


class BranchCategory(models.TextChoices):
    TEACHING = "teaching", "教学一线"
    RESEARCH = "research", "科研一线"
    MEDICAL = "medical", "医疗一线"
    TEACHING_SUPPORT = "support", "教辅"
    MEDICAL_TECH = "medtech", "医技"
    LOGISTICS = "logistics", "后勤"
    ADMINISTRATION = "admin", "行政"
    UNDERGRADUATE = "undergrad", "学生(本科生)"
    GRADUATE = "graduate", "学生(研究生)"


STUDENT_CATEGORIES = {BranchCategory.UNDERGRADUATE, BranchCategory.GRADUATE}


class Role(models.TextChoices):
    ORG_STAFF = "org_staff", "组织部"
    UNIT_STAFF = "unit_staff", "二级党组织"
    SECRETARY = "secretary", "支部书记"
    REVIEWER = "reviewer", "评审专家"
