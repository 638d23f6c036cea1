"""Sign-in details Django and django-axes leave to the project."""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, logout, password_validation
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.shortcuts import render

from .clients import client_address


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    # Django 5's zh_Hans catalog lacks the reworded "too short" message, so users would read English.
    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"


def axes_username(request, credentials=None):
    """The user name axes counts failures for, cut to the longest a user can have.

    AuthenticationForm does not enforce the length, so a 256-character name reached axes' varchar(255)
    column and PostgreSQL answered a 500 at the login page; no real user name is longer anyway.
    """
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username")
    if username is None:
        return None
    return str(username)[: get_user_model()._meta.get_field("username").max_length]


def axes_client_address(request):
    """The client behind our proxies (branches.clients); None rather than "" for axes' address column."""
    return client_address(request) or None


class SignInHandler(AxesDatabaseHandler):
    """axes' lock per user name and address, plus a slower one per user name from all addresses.

    axes counts one limit over its lockout parameters; a second, higher limit for the name alone is
    this: once the name's failures within the hour (every address's rows) reach
    AXES_USERNAME_FAILURE_LIMIT, every address counts as having reached AXES_FAILURE_LIMIT, so the
    login, the password change and the locked page behave as for any lock.
    """

    def get_failures(self, request, credentials=None):
        failures = super().get_failures(request, credentials)
        username = get_client_username(request, credentials)
        if username is None:
            return failures
        attempts = AccessAttempt.objects.filter(username=username,
                                                attempt_time__gte=get_cool_off_threshold(request))
        if (attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0) >= \
                settings.AXES_USERNAME_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Checks the old password through authenticate(), so django-axes counts a wrong one like a failed login.

    Django's form calls user.check_password(), which no signal reports: anyone at an unlocked,
    signed-in computer could guess the old password without limit and then take the account over.
    """

    def __init__(self, user, *args, request, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        # A lock-out (from failed logins or from here) refuses even the right password, as at login.
        checked = authenticate(self.request, username=self.user.get_username(), password=old_password)
        if checked is None or checked.pk != self.user.pk:
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        if getattr(self.request, "axes_locked_out", False):
            # The limit is reached: sign the user out and show the locked page (AxesMiddleware answers
            # it, as for a locked login), so the guessing cannot go on in this session either.
            logout(self.request)
            return render(self.request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
        return super().form_invalid(form)

    def form_valid(self, form):
        # A right old password clears the user name's failures, as a successful login does.
        reset(username=self.request.user.get_username())
        return super().form_valid(form)


class AdministratorLoginForm(auth_forms.AuthenticationForm):
    """The password form while campus single sign-on is on: administrators (superusers) only."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_superuser:
            raise ValidationError("已启用统一身份认证，请返回登录页通过统一身份认证登录；本地密码登录仅供系统管理员使用。",
                                  code="campus_only")
