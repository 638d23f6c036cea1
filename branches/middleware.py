from django.db import DatabaseError, connections
from django.template.response import SimpleTemplateResponse

from .audit import reset_source, set_source


def client_address(request):
    # Behind the campus reverse proxy the first forwarded address is the user's.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return (forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR", "")) or "未知"


class RequestContextMiddleware:
    """Makes the request's address the `source` of every event written while it runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_source(client_address(request))
        try:
            return self.get_response(request)
        finally:
            reset_source(token)


class DatabaseUnavailableMiddleware:
    """Answers a Chinese 503 page while the database is down, and recovers when it is back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except DatabaseError as error:
            if not _database_down(error):
                raise
            return self._unavailable()

    def process_exception(self, request, exception):
        if isinstance(exception, DatabaseError) and _database_down(exception):
            return self._unavailable()
        return None

    def _unavailable(self):
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
        response = SimpleTemplateResponse("503.html", status=503)
        response["Retry-After"] = "30"
        return response.render()


def _database_down(error):
    from django.db import OperationalError, InterfaceError

    return isinstance(error, (OperationalError, InterfaceError)) and "locked" not in str(error)
