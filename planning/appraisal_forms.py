"""The form of a 述职评议 result. It only validates input; planning.appraisal decides and writes."""

from django import forms

from branches.forms import DecisionField
from branches.plain_text import PlainTextForm

from .models_appraisal import AppraisalResult

NOTE_MAX = 3000


class AppraisalForm(PlainTextForm):
    result = DecisionField(label="评议结果", choices=AppraisalResult.choices, error_messages={
        "required": "请选择评议结果（好、较好、一般、差）", "invalid_choice": "请选择评议结果（好、较好、一般、差）"})
    note = forms.CharField(label="评议意见", required=False, max_length=NOTE_MAX, widget=forms.Textarea,
                           error_messages={"max_length": f"不能超过{NOTE_MAX}字"})

    def error_text(self):
        """The errors as one Chinese sentence, each named by its field ("评议意见不能超过3000字")."""
        return "；".join(f"{'' if error.startswith('请选择') else self.fields[name].label}{error}"
                        for name, errors in self.errors.items() for error in errors)
