import time

from django.conf import settings
from django.db import DatabaseError, connections
from django.template.response import SimpleTemplateResponse
from django.utils.cache import add_never_cache_headers

from .audit import reset_source, set_source
from .clients import client_address


class RequestContextMiddleware:
    """Makes the request's address the `source` of every event written while it runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_source(client_address(request) or "未知")
        try:
            return self.get_response(request)
        finally:
            reset_source(token)


TOUCHED = "_touched"


class IdleTimeoutMiddleware:
    """Pushes a signed-in session's expiry back, at most once per SESSION_REFRESH_SECONDS.

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) wrote its row on every page:
    three of a page's queries and a write lock on SQLite, for an expiry that moves by seconds. Here
    the session is saved (new expiry, new cookie) only when its last save is older than the refresh
    interval, so the idle timeout is SESSION_COOKIE_AGE give or take that interval. Visitors without
    a session get none. Placed after the session and authentication middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or not user.is_authenticated or response.status_code >= 500:
            return response
        now = int(time.time())
        touched = session.get(TOUCHED)
        if not isinstance(touched, int) or now - touched >= settings.SESSION_REFRESH_SECONDS or now < touched:
            session[TOUCHED] = now
        return response


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
            return self._unavailable(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DatabaseError) and _database_down(exception):
            return self._unavailable(request)
        return None

    def _unavailable(self, request):
        keep_session_off_database(request)
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
        response = SimpleTemplateResponse("503.html", status=503)
        response["Retry-After"] = "30"
        return response.render()


def keep_session_off_database(request):
    """Call before answering 503 because the database is down.

    On the way out the session middleware looks at the session before deciding not to save it on a
    5xx; a first read then would hit the dead database and turn the 503 into a 500. An empty cache keeps it off the database and leaves the cookie as it was, so the user is
    still signed in once the database is back.
    """
    session = getattr(request, "session", None)
    if session is not None and not hasattr(session, "_session_cache"):
        session._session_cache = {}


def _database_down(error):
    from django.db import OperationalError, InterfaceError

    return isinstance(error, (OperationalError, InterfaceError)) and "locked" not in str(error)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every page a signed-in user gets, and on every download.

    On a shared office computer the browser's cache kept a secretary's pages and downloaded files
    after logout, for the next person to open from the history. Pages anyone may see (the public
    notices, the login page) stay cacheable for visitors; static files never reach this middleware
    (WhiteNoise answers them first). Placed after the authentication middleware, which sets
    request.user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        download = response.get("Content-Disposition", "").lower().startswith("attachment")
        if signed_in or download:
            add_never_cache_headers(response)
            # HTTP/1.0 caches and old browsers read only Pragma.
            response["Pragma"] = "no-cache"
        return response
