"""The showcase index's search and filters, bound to the query string.

The choices are the batches, 二级党组织 and years that have a showcased project, so a guessed id, a
letter or a huge number is simply not a choice: the field is invalid, the view ignores it and says so.
"""

from django import forms

from branches.enums import BranchCategory
from branches.plain_text import PlainTextForm
from branches.selectors import unit_name

from .showcase import SEARCH_MAX_LENGTH


class ShowcaseFilterForm(PlainTextForm):
    q = forms.CharField(label="搜索", required=False, max_length=SEARCH_MAX_LENGTH,
                        widget=forms.TextInput(attrs={"placeholder": "支部名称或创建主题", "type": "search"}))
    batch = forms.TypedChoiceField(label="批次", required=False, coerce=int, empty_value=None)
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    category = forms.ChoiceField(label="支部分类", required=False, choices=[("", "全部分类")] + BranchCategory.choices)
    unit = forms.TypedChoiceField(label="二级党组织", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, batches, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.batches = {batch.pk: batch for batch in batches}
        self.units = {unit.pk: unit for unit in units}
        self.fields["batch"].choices = [("", "全部批次")] + [(batch.pk, batch.name) for batch in batches]
        years = sorted({batch.year for batch in batches}, reverse=True)
        self.fields["year"].choices = [("", "全部年度")] + [(year, f"{year}年") for year in years]
        # Where two schools meet, each with its 机关党委, a unit is named with its school.
        many_schools = len({unit.parent_id for unit in units}) > 1
        self.fields["unit"].choices = [("", "全部二级党组织")] + [
            (unit.pk, unit_name(unit.name, unit.parent.name if many_schools and unit.parent else "")) for unit in units]

    def filters(self):
        """The selector's keyword arguments from the fields that are valid; an invalid one is left out."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": (data.get("q") or "").strip(),
            "batch": self.batches.get(data.get("batch")),
            "category": data.get("category") or "",
            "unit": self.units.get(data.get("unit")),
            "year": data.get("year"),
        }

    def ignored(self):
        """The labels of the filters whose value was not understood (and so not applied)."""
        if not self.is_bound or self.is_valid():
            return []
        return [self.fields[name].label for name in self.errors if name in self.fields]

    def active_filters(self):
        """(label, value in words) of each filter applied, for the line above the list."""
        if not self.is_bound:
            return []
        self.is_valid()
        found = []
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            choices = getattr(self.fields[name], "choices", None)
            found.append((self.fields[name].label, str(dict(choices).get(value, value)) if choices else value))
        return found
