"""Every form of config/ and branches/ survives hostile input: never a 5xx, nothing half-written."""

import pytest
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from branches import selectors
from branches.forms import DeclarationForm, EventFilterForm, OrganizationFilterForm, RosterImportForm
from branches.models import Organization

from .fuzz import form_payloads, fuzz_view, hostile_number

pytestmark = pytest.mark.django_db


def redirected(response):
    return response.status_code == 302


def test_the_declaration_form(client_for, tree):
    client = client_for(tree.secretary)
    url = reverse("branches:organization_declare", args=[tree.branch_a1.pk])
    fuzz_view(client, url, payloads=form_payloads(DeclarationForm), succeeded=redirected)
    branch = Organization.objects.get(pk=tree.branch_a1.pk)
    assert all(isinstance(value, bool) for value in
               [branch.declares_no_violation, branch.declares_no_conduct_issue, branch.declares_no_safety_risk])


def test_the_roster_import_form_with_random_bytes_as_the_file(client_for, tree):
    client = client_for(tree.staff)
    fuzz_view(client, reverse("branches:roster_import"), payloads=form_payloads(RosterImportForm),
              succeeded=redirected)


def test_the_event_filter(client_for, tree):
    fuzz_view(client_for(tree.staff), reverse("branches:event_list"), method="get",
              payloads=form_payloads(EventFilterForm))


@pytest.mark.parametrize("name", ["branches:organization_list", "branches:roster_export"])
def test_the_organization_filter(client_for, tree, name):
    user = tree.staff if name == "branches:roster_export" else tree.unit_staff
    payloads = form_payloads(OrganizationFilterForm, form_kwargs={"units": selectors.visible_units(user)})
    fuzz_view(client_for(user), reverse(name), method="get", payloads=payloads)


def test_the_page_number(client_for, tree):
    payloads = st.tuples(st.fixed_dictionaries({"page": hostile_number}), st.just({}))
    fuzz_view(client_for(tree.staff), reverse("branches:organization_list"), method="get", payloads=payloads)


@pytest.mark.parametrize("name, method", [
    ("branches:organization_detail", "get"), ("branches:organization_declare", "post")])
def test_out_of_range_object_ids_answer_404(client_for, tree, name, method):
    client = client_for(tree.staff)
    # Past every real id, up to far beyond what a 64-bit column holds.
    ids = st.one_of(st.integers(min_value=10**9, max_value=10**40), st.sampled_from([2**31, 2**63 - 1, 2**63, 2**64]))

    @settings(max_examples=25, deadline=None)
    @given(pk=ids)
    def send(pk):
        # reverse() refuses ids the <id:...> converter cannot hold: put the id into the path by hand.
        path = reverse(name, args=[1]).replace("/1/", f"/{pk}/")
        response = getattr(client, method)(path, {"no_violation": "on"})
        assert response.status_code == 404

    send()


def test_the_password_change_form(client_for, tree, settings):
    # A wrong old password counts like a failed login (test_sessions.py); a limit out of reach keeps
    # the fuzzing on the form rather than on the locked page.
    settings.AXES_FAILURE_LIMIT = 10**6
    client = client_for(tree.secretary)
    fuzz_view(client, reverse("password_change"), payloads=form_payloads(PasswordChangeForm,
                                                                          form_kwargs={"user": tree.secretary}),
              succeeded=redirected,
              may_write={"branches_event", "axes_accessattempt", "axes_accessfailurelog", "axes_accesslog"})


def test_the_login_form(client, tree):
    # A failed sign-in is recorded by design: the audit log and axes' attempt counters.
    fuzz_view(client, reverse("login"), payloads=form_payloads(AuthenticationForm), succeeded=redirected,
              may_write={"branches_event", "axes_accessattempt", "axes_accessfailurelog", "axes_accesslog"})
