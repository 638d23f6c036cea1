"""A mail server that accepts and never answers costs seconds, not the worker (EMAIL_TIMEOUT)."""

import socket
import threading
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from notifications.models import OutboundEmail
from notifications.services import send_pending


@pytest.fixture
def silent_mail_server():
    """Accepts connections and never says a word (not even the SMTP greeting)."""
    listener = socket.create_server(("127.0.0.1", 0))
    held = []

    def accept():
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()
    for sock in held:
        sock.close()


def test_the_shipped_settings_give_the_mail_server_a_timeout():
    assert 0 < settings.EMAIL_TIMEOUT <= 60


@pytest.mark.django_db(transaction=True)
def test_a_silent_mail_server_fails_the_mail_for_a_later_retry_instead_of_holding_the_worker(silent_mail_server):
    mail = OutboundEmail.objects.create(to="secretary@example.edu.cn", subject="【样板党支部培育】测试", body="正文")
    done = []

    def send():
        try:
            done.append(send_pending())
        finally:
            connection.close()  # the thread's own connection, or the test database cannot be dropped

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
                           EMAIL_PORT=silent_mail_server, EMAIL_USE_TLS=False, EMAIL_USE_SSL=False, EMAIL_TIMEOUT=1):
        started = time.monotonic()
        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        sender.join(timeout=30)
    assert done == [0], "send_pending still waiting on a silent mail server after 30 s"
    assert time.monotonic() - started < 30
    mail.refresh_from_db()
    assert mail.sent_at is None and mail.attempts == 1 and mail.next_attempt_at is not None
    assert "timed out" in mail.last_error
