from django import forms

from .audit import action_choices
from .enums import BranchCategory, BranchType, OrgKind
from .inputs import DateField
from .plain_text import FilterForm, PlainTextForm

class DecisionField(forms.TypedChoiceField):
    """A choice that records someone's decision (a result, a conclusion, a grade): it starts at 请选择 and
    must be chosen, so nobody records a decision by leaving a preselected default untouched."""

    def __init__(self, *, label, choices, required=True, **kwargs):
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", f"请选择{label}")
        kwargs["error_messages"].setdefault("invalid_choice", f"请选择{label}")
        super().__init__(label=label, choices=[("", "请选择"), *choices], required=required, initial=None, **kwargs)


STATUS_CHOICES = [("", "全部状态"), ("active", "正常"), ("dissolved", "已撤销")]


class OrganizationFilterForm(FilterForm):
    q = forms.CharField(label="搜索", required=False, max_length=50,
                        widget=forms.TextInput(attrs={"placeholder": "名称、编码或书记姓名"}))
    unit = forms.ModelChoiceField(label="二级党组织", queryset=None, required=False, empty_label="全部二级党组织")
    kind = forms.ChoiceField(label="组织类型", required=False, choices=[("", "全部类型")] + OrgKind.choices)
    branch_type = forms.ChoiceField(label="支部类型", required=False, choices=[("", "全部支部类型")] + BranchType.choices)
    category = forms.ChoiceField(label="支部分类", required=False, choices=[("", "全部分类")] + BranchCategory.choices)
    status = forms.ChoiceField(label="状态", required=False, choices=STATUS_CHOICES)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class DeclarationForm(PlainTextForm):
    no_violation = forms.BooleanField(label="本支部无违法乱纪行为", required=False)
    no_conduct_issue = forms.BooleanField(label="本支部不存在有违师德师风、医德医风、学风考风的现象", required=False)
    no_safety_risk = forms.BooleanField(label="本支部无安全稳定风险因素", required=False)


class RosterImportForm(PlainTextForm):
    file = forms.FileField(label="组织名册（.xlsx）")
    dry_run = forms.BooleanField(label="仅校验，不写入（试运行）", required=False, initial=True)


class EventFilterForm(FilterForm):
    action = forms.ChoiceField(label="操作", required=False)
    actor = forms.CharField(label="操作人用户名", required=False, max_length=150)
    q = forms.CharField(label="对象", required=False, max_length=100)
    date_from = DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "全部操作")] + action_choices()
