"""Sign-in details Django and django-axes leave to the project."""

from django.contrib.auth import get_user_model, password_validation


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
