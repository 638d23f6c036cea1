"""The "unsaved content" warning (static/js/app.js) speaks only when something typed would be lost.

On the demo's pages of several forms, every untouched form is sent in turn and no warning may appear: a
<select> with no option marked selected shows its first option, which is not an edit (issue 24, item 6).
A field really changed still brings the warning. Submissions are stopped at the last moment (a listener
on window, after the page's own), so the pages stay as they are and every form can be tried.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cultivation import services as cultivation_services
from cultivation.enums import ProjectState
from cultivation.models import ProgressReport, Project
from cultivation.reports.enums import EDITABLE_REPORT_STATES
from evaluations.enums import RoundState
from evaluations.models import Round
from tests.e2e.conftest import login

WARNING = "未保存的内容"

# Records each form the page sends, and stops it there: the page's own listeners have run by then.
HOLD_SUBMISSIONS = """() => {
  window.__sent = [];
  window.addEventListener('submit', (event) => {
    window.__sent.push(event.target.getAttribute('action') || location.pathname);
    event.preventDefault();
  });
}"""

# Sends every post form of the page, untouched, with its first button.
SEND_EVERY_FORM = """() => {
  let tried = 0;
  document.querySelectorAll('form[method=post]').forEach((form) => {
    const button = form.querySelector('button[type=submit], button:not([type])');
    if (button && !button.disabled) { form.requestSubmit(button); tried += 1; }
  });
  return tried;
}"""


@pytest.fixture
def demo(transactional_db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    settings.DEBUG = False
    staff = get_user_model().objects.get(username="staff")
    round_ = Round.objects.get(state=RoundState.OPEN)
    midterm = Project.objects.filter(state=ProjectState.MIDTERM_SUBMITTED).order_by("pk")
    # 记录核查 shows on a project whose 验收 materials are in, with 整改意见 to check: the demo has none, so
    # one mid-term project is taken on to that point.
    checked = midterm.last()
    cultivation_services.feedback_add(project=checked, actor=staff, content="宣传平台更新不够及时，请加强")
    Project.objects.filter(pk=checked.pk).update(state=ProjectState.FINAL_SUBMITTED)
    report = ProgressReport.objects.get(state__in=EDITABLE_REPORT_STATES, project__organization__name="中医内科学教研室党支部")
    return {"round": round_, "feedback": midterm.first(), "checked": checked, "report": report}


def watch(page):
    messages = []

    def answer(dialog):
        messages.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    return messages


def open_held(page, url):
    page.goto(url)
    page.evaluate(HOLD_SUBMISSIONS)


def sent(page):
    return page.evaluate("() => window.__sent.length")


def test_untouched_forms_send_without_a_warning_and_an_edit_still_warns(demo, new_page):
    staff = new_page()
    dialogs = watch(staff)
    login(staff, "staff")
    pages = [
        (f"/evaluations/rounds/{demo['round'].pk}/", ["自动分配评审专家", "结束评审"]),
        (f"/cultivation/projects/{demo['feedback'].pk}/", ["添加整改意见"]),
        (f"/cultivation/projects/{demo['checked'].pk}/", ["记录核查"]),
    ]
    secretary = new_page()
    secretary_dialogs = watch(secretary)
    login(secretary, "secretary")

    for page, seen, (url, buttons) in [(staff, dialogs, entry) for entry in pages] + [
            (secretary, secretary_dialogs, (f"/planning/reports/{demo['report'].pk}/tasks/", ["记录"]))]:
        # The buttons people pressed, as they pressed them.
        for name in buttons:
            open_held(page, url)
            button = page.get_by_role("button", name=name, exact=True).first
            # What the form itself requires is typed first (its own content is sent, so never warned of).
            own = button.locator("xpath=ancestor::form").locator("textarea[required], input[required]")
            for index in range(own.count()):
                own.nth(index).fill("已核对")
            # A decision never comes preselected (核查结论): the person chooses one.
            decisions = button.locator("xpath=ancestor::form").locator("select[required]")
            for index in range(decisions.count()):
                decisions.nth(index).select_option(index=1)
            button.click()
            assert sent(page) == 1, (url, name)
        # Then every form of the page, one after another, still untouched.
        open_held(page, url)
        tried = page.evaluate(SEND_EVERY_FORM)
        assert tried > 1 and sent(page) >= 1, url
        assert not [message for message in seen if WARNING in message], (url, seen)

    # A real edit in one form still warns when another is sent.
    url = f"/evaluations/rounds/{demo['round'].pk}/"
    open_held(staff, url)
    reviewer = staff.locator("form[action$='/assign/'] select[name=reviewer]")
    reviewer.select_option(index=1)
    staff.get_by_role("button", name="自动分配评审专家").click()
    assert any(WARNING in message for message in dialogs)
    # Putting the choice back is no edit: no warning.
    count = len([m for m in dialogs if WARNING in m])
    open_held(staff, url)
    select = staff.locator("form[action$='/assign/'] select[name=reviewer]")
    first = select.input_value()
    select.select_option(index=1)
    select.select_option(value=first)
    staff.get_by_role("button", name="自动分配评审专家").click()
    assert len([m for m in dialogs if WARNING in m]) == count
