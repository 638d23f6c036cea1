from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .audit import log_event


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs):
    log_event(actor=user, action="user.login", target=user)


@receiver(user_logged_out)
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        log_event(actor=user, action="user.logout", target=user)


@receiver(user_login_failed)
def record_failed_login(sender, credentials, request=None, **kwargs):
    log_event(actor=None, action="user.login_failed", data={"用户名": str(credentials.get("username", ""))[:150]})
