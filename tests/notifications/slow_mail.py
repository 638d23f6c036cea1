"""A mail backend for race tests: records every message sent, from any thread, slowly enough that two
senders working on the same queue would overlap."""

import threading
import time

from django.core.mail.backends.base import BaseEmailBackend

SENT = []
_lock = threading.Lock()


class SlowBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            time.sleep(0.02)
            with _lock:
                SENT.append(message.subject)
        return len(email_messages)
