"""python -m tests.cas_server.serve USER... : migrate a fresh database, create each campus user (password
"campus-pass"), serve CAS on a free loopback port and print that port. Stops when stdin closes."""

import os
import sys
import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

PASSWORD = "campus-pass"


def employee_number(user, service):
    return {"employeeNumber": f"E{user.get_username()}"}


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def main():
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.cas_server.settings"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0)
    for username in sys.argv[1:]:
        get_user_model().objects.create_user(username, password=PASSWORD)
    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_port, flush=True)
    sys.stdin.read()  # the test closes it when done


if __name__ == "__main__":
    main()
