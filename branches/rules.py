"""Rules about organizations that are not about who may do what."""



from django.utils import timezone


def add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def eligibility_problems(branch, *, deadline=None):
    """The reasons a branch fails the 基本要求 for nomination; an empty list means eligible."""
    deadline = deadline or timezone.localdate()
    problems = []
    if not branch.is_branch:
        problems.append("只有党支部可以申报")
    if not branch.is_active:
        problems.append("该党支部已撤销")
    if branch.founded_on is None:
        problems.append("未登记成立日期，无法确认是否创建满2年")
    elif add_years(branch.founded_on, 2) > deadline:
        problems.append(f"创建不满2年（{branch.founded_on:%Y年%m月%d日}成立，截止日期{deadline:%Y年%m月%d日}）")
    if not branch.declares_no_violation:
        problems.append("未声明无违法乱纪行为")
    if not branch.declares_no_conduct_issue:
        problems.append("未声明不存在有违师德师风、医德医风、学风考风的现象")
    if not branch.declares_no_safety_risk:
        problems.append("未声明无安全稳定风险因素")
    return problems
