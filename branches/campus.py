"""Campus single sign-on (统一身份认证, CAS 2.0/3.0 through django-cas-ng), on when CAS_SERVER_URL is set.

The CAS server says who someone is (their 工号/学号: the CAS user name, or the attribute named by
CAS_ID_ATTRIBUTE); the account is the one whose CampusIdentity carries that number. Nobody is created
on the way in: an unknown number, an account switched off or a ticket the server does not confirm is
refused with a page saying so. While CAS is on, password login is for the system's administrators
alone, at /login/local/: a campus's staff sign in once, centrally, and a password kept here would be a
second way into their accounts that the campus cannot revoke.

Where the user goes next is decided here, not by django-cas-ng: with CAS_LOGIN_NEXT_PAGE unset it follows
?next= (and, without one, the Referer) unchecked, after login and logout alike. Every target must be a
path of this site (inputs.next_path, by Django's url_has_allowed_host_and_scheme); anything else goes to
the home page.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_cas_ng import views as cas_views
from django_cas_ng.backends import CASBackend
from django_cas_ng.utils import get_cas_client

from .inputs import pin_next, posted_logout_request
from .models import CampusIdentity
from .signin import AdministratorLoginForm

REFUSALS = {
    "unknown": "未找到与统一身份认证账号 {campus_id} 对应的系统账号，请联系党委组织部开通。",
    "inactive": "统一身份认证账号 {campus_id} 对应的系统账号已停用，请联系党委组织部。",
    "ticket": "统一身份认证未能确认这次登录（票据无效或已过期），请重新登录。",
}


def enabled():
    return bool(settings.CAS_SERVER_URL)


class CampusBackend(CASBackend):
    def authenticate(self, request, ticket=None, service=None, **kwargs):
        if not (enabled() and ticket and service):
            return None
        campus_id, attributes, _ = get_cas_client(service_url=service, request=request).verify_ticket(ticket)
        if settings.CAS_ID_ATTRIBUTE and campus_id:
            value = (attributes or {}).get(settings.CAS_ID_ATTRIBUTE)
            campus_id = value[0] if isinstance(value, list) and value else value
        if not campus_id:
            return _refuse(request, "ticket")
        identity = CampusIdentity.objects.select_related("user").filter(campus_id=str(campus_id)).first()
        if identity is None:
            return _refuse(request, "unknown", campus_id)
        if not identity.user.is_active:
            return _refuse(request, "inactive", campus_id)
        return identity.user

    def get_user(self, user_id):
        return get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()


def _refuse(request, reason, campus_id=""):
    if request is not None:
        request.campus_refusal = REFUSALS[reason].format(campus_id=str(campus_id)[:64])
    return None


class CampusLoginView(cas_views.LoginView):
    def get(self, request):
        try:
            return super().get(request)
        except PermissionDenied:
            message = getattr(request, "campus_refusal", REFUSALS["ticket"])
            return render(request, "registration/campus_refused.html", {"message": message}, status=403)

    def post(self, request):
        logout_request = posted_logout_request(request)
        if logout_request is None:
            return super().post(request)
        # Single sign-out: the CAS server ends the session its ticket opened here. It gets a plain answer,
        # not django-cas-ng's redirect, which its HTTP client would follow round our login page back to
        # itself; a request that is not SAML (get_saml_slos answers None) ends nothing and is no 500.
        client = get_cas_client(request=request)
        if client.get_saml_slos(logout_request) is not None:
            cas_views.clean_sessions(client, request)
        return HttpResponse("ok\n", content_type="text/plain")


@csrf_exempt
def login(request):
    """/login/: through the campus CAS server when it is configured, else the password form.

    Exempt from the CSRF check because the CAS server POSTs its single sign-out (a SAML logoutRequest)
    here, the service URL, without a token. The password form keeps its check: Django's LoginView
    applies csrf_protect itself.
    """
    if enabled():
        pin_next(request, resolve_url(settings.LOGIN_REDIRECT_URL))
        return CampusLoginView.as_view()(request)
    return auth_views.LoginView.as_view(redirect_authenticated_user=True)(request)


@require_POST
def logout(request):
    """/logout/ (a POST, as Django's): ends the CAS session too when CAS is on (CAS_LOGOUT_COMPLETELY)."""
    if enabled():
        pin_next(request, resolve_url(settings.LOGIN_REDIRECT_URL))
        view = cas_views.LogoutView()
        view.setup(request)
        return view.get(request)
    return auth_views.LogoutView.as_view()(request)


def local_login(request):
    """/login/local/: password login for administrators while CAS is on (the plain login page otherwise)."""
    if not enabled():
        return redirect("login")
    return auth_views.LoginView.as_view(
        form_class=AdministratorLoginForm, template_name="registration/login_local.html",
        redirect_authenticated_user=True)(request)
