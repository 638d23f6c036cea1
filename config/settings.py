"""Settings, all read from the environment (or a `.env` file beside manage.py)."""

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
# A development key only when DEBUG is on: production must set its own.
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "config.apps.AxesConfig",  # django-axes, named in Chinese
    "csp",
    "config.apps.CasConfig",  # django-cas-ng, named in Chinese
    "django_tasks",
    "config.apps.TasksDatabaseConfig",  # django-tasks-db, named in Chinese
    "branches",
    "notifications",
    "cultivation",
    "evaluations",
    "planning",
    "dissemination",
    "dashboards",
    "bench",
]

MIDDLEWARE = [
    "notifications.metrics.MetricsMiddleware",  # first: it times the whole request
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "branches.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "branches.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "branches.middleware.RequestContextMiddleware",
    "branches.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "branches.context_processors.navigation",
                "notifications.context_processors.inbox",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Lets several suites run side by side on one PostgreSQL server.
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default=None)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Waiting on a lock beats failing at once when two requests write together; and a
    # transaction that takes the write lock when it begins (IMMEDIATE) cannot deadlock with
    # another that read first, so of two racing writers one waits and then sees the other's change.
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "branches.campus.CampusBackend",  # does nothing unless CAS_SERVER_URL is set
    "django.contrib.auth.backends.ModelBackend",
]
# Campus single sign-on (统一身份认证, branches/campus.py): on when CAS_SERVER_URL is set. Accounts are
# matched by 工号/学号 (the CAS user name, or the attribute CAS_ID_ATTRIBUTE names) and never created.
CAS_SERVER_URL = env("CAS_SERVER_URL", default="")
CAS_VERSION = env("CAS_VERSION", default="3")
CAS_ID_ATTRIBUTE = env("CAS_ID_ATTRIBUTE", default="")
CAS_CREATE_USER = False
CAS_LOGOUT_COMPLETELY = True
CAS_LOGIN_MSG = None
CAS_LOGGED_MSG = None
CAS_REDIRECT_URL = "/"
CAS_IGNORE_REFERER = True  # the page after login/logout is only ever a checked ?next= (branches/campus.py)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "branches.signin.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The reverse proxies in front of the app, as addresses or CIDR ranges: nginx's own address (127.0.0.1 in
# the documented setup) and any campus load balancer before it. The client is the right-most forwarded
# address that is none of them (branches/clients.py); empty means no proxy: the connection's address
# is the client.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError:
        # At start-up, not at every request: a host name here is a typo, never resolved.
        raise ImproperlyConfigured(f"TRUSTED_PROXIES：{_proxy!r} 不是 IP 地址或网段（CIDR）") from None

# Who may read /metrics (notifications/metrics.py), as addresses or CIDR ranges, judged like every client
# address (behind TRUSTED_PROXIES): the monitoring server's. Anyone else gets 404.
METRICS_ALLOWED_ADDRESSES = env.list("METRICS_ALLOWED_ADDRESSES", default=["127.0.0.1", "::1"])
for _address in METRICS_ALLOWED_ADDRESSES:
    try:
        ipaddress.ip_network(_address.strip(), strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"METRICS_ALLOWED_ADDRESSES：{_address!r} 不是 IP 地址或网段（CIDR）") from None

# Sign-in protection: five wrong passwords for one user name from one address lock that pair for an hour;
# fifty for one user name from all addresses together lock the name (branches.signin.SignInHandler).
# User names are guessable, so a lock by name alone let anyone shut anyone out with five requests; a
# lock by address alone would shut a whole office behind its NAT address. docs/security.md.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_USERNAME_FAILURE_LIMIT = env.int("AXES_USERNAME_FAILURE_LIMIT", default=50)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "branches.signin.SignInHandler"
# A locked pair's further failures are neither counted nor extend its lock: one address then adds at
# most AXES_FAILURE_LIMIT an hour towards the name's limit.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "branches.signin.axes_username"
AXES_CLIENT_IP_CALLABLE = "branches.signin.axes_client_address"

# Idle timeout: the session lives two hours past the last request, pushed back at most every five
# minutes (branches.middleware.IdleTimeoutMiddleware) rather than written on every page.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=2 * 60 * 60)
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=5 * 60)
SESSION_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# In production nginx sends checked files (X-Accel-Redirect to its `internal` location for MEDIA_ROOT,
# deploy/nginx/dangzhibu.conf); in development and tests Django streams them.
FILES_SERVED_BY_WEB_SERVER = env.bool("FILES_SERVED_BY_WEB_SERVER", default=False)
PROTECTED_MEDIA_URL = env("PROTECTED_MEDIA_URL", default="/protected/")
# Uploaded files are never served as static files: downloads go through views that check access.
MEDIA_URL = "/_uploads_are_not_served_here/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# S3-compatible object storage (MinIO, Ceph, a cloud's S3) instead of the shared directory, when a bucket is
# named: app servers then share only PostgreSQL and the bucket. Downloads are still checked by Django, which
# answers an authorised one with a redirect to a presigned URL valid for MEDIA_S3_URL_SECONDS (branches/media.py).
MEDIA_S3_BUCKET = env("MEDIA_S3_BUCKET", default="")
if MEDIA_S3_BUCKET:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": MEDIA_S3_BUCKET,
        "endpoint_url": env("MEDIA_S3_ENDPOINT_URL", default=None),
        "region_name": env("MEDIA_S3_REGION", default=None),
        "access_key": env("MEDIA_S3_ACCESS_KEY_ID", default=None),
        "secret_key": env("MEDIA_S3_SECRET_ACCESS_KEY", default=None),
        # "path" for MinIO and most self-hosted servers; "virtual" for cloud buckets addressed by host name.
        "addressing_style": env("MEDIA_S3_ADDRESSING_STYLE", default="path"),
        "signature_version": "s3v4",
        # The bucket stays private: every object is read through a presigned URL handed out after the check.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": env.int("MEDIA_S3_URL_SECONDS", default=300),
        # Names are generated (uuid4, or a thumbnail's SHA-256), so nothing is overwritten by accident and
        # no existence check is needed before each write.
        "file_overwrite": True,
    }}
# Where the browser fetches a bucket's pictures and videos after the redirect: the content security policy
# must allow that origin (an S3 endpoint's scheme and host, or AWS's when none is given).
MEDIA_S3_ORIGINS = env.list("MEDIA_S3_ORIGINS", default=[])
if MEDIA_S3_BUCKET and not MEDIA_S3_ORIGINS:
    endpoint = urlsplit(STORAGES["default"]["OPTIONS"]["endpoint_url"] or "https://*.amazonaws.com")
    MEDIA_S3_ORIGINS = [f"{endpoint.scheme}://{endpoint.netloc}"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# One process's memory by default; with more than one app server a shared cache:
# CACHE_URL=dbcache://dangzhibu_cache (then `manage.py createcachetable`), or a Redis URL.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A mail server that accepts the connection and never answers would hold the worker, and every export
# queued behind it, for ever: seconds per SMTP operation, then the mail is retried later (send_pending).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="样板党支部培育系统 <noreply@localhost>")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# No inline script or style anywhere, so the policy can stay strict.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_S3_ORIGINS],
        "media-src": [SELF, *MEDIA_S3_ORIGINS],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# An export of more rows than this is made by the worker and arrives in the inbox (branches/exports.py),
# where TASKS_BACKEND=database; with the immediate backend every export is made in the request.
EXPORT_INLINE_MAX_ROWS = env.int("EXPORT_INLINE_MAX_ROWS", default=5000)
ORG_IMPORT_MAX_ROWS = env.int("ORG_IMPORT_MAX_ROWS", default=5000)
ORG_IMPORT_MAX_BYTES = env.int("ORG_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
# What an imported workbook may unpack to (all its parts, by the sizes the zip declares).
ORG_IMPORT_MAX_XML_BYTES = env.int("ORG_IMPORT_MAX_XML_BYTES", default=32 * 1024 * 1024)

if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # The preload flag only matters once a public domain is submitted to the browsers' list.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO"},
        "branches.access": {"handlers": ["console"], "level": "WARNING"},
    },
}
# Background work (notifications/tasks.py): queued in the database and run by `manage.py task_worker` when
# TASKS_BACKEND=database (production); run at once otherwise, so development needs no worker.
TASKS = {"default": {"BACKEND": {
    "database": "django_tasks_db.DatabaseBackend",
}.get(env("TASKS_BACKEND", default="immediate"), "django_tasks.backends.immediate.ImmediateBackend")}}
# A task still running after this long is taken for lost (its worker died on another machine; on the same
# machine a dead worker is noticed at once): queued again once, then failed, its user told either way
# (notifications/worker.py). Longer than the slowest real task: a large batch's booklet takes minutes.
TASK_TIMEOUT_MINUTES = env.int("TASK_TIMEOUT_MINUTES", default=60)
# `migrate` on PostgreSQL gives way to the release still serving: an atomic migration waits for a lock at most
# this long (under deadlock_timeout's 1 s, so PostgreSQL never cancels a page instead), then rolls back and
# runs again, up to MIGRATE_LOCK_ATTEMPTS times (branches/management/commands/migrate.py). 0 turns it off.
MIGRATE_LOCK_TIMEOUT_MS = env.int("MIGRATE_LOCK_TIMEOUT_MS", default=200)
MIGRATE_LOCK_ATTEMPTS = env.int("MIGRATE_LOCK_ATTEMPTS", default=60)
# What a user is told a lost task was, by the task's path.
TASK_LABELS = {
    "branches.tasks.build_export": "导出 Excel",
    "dissemination.tasks.build_booklet": "成果汇编（Word）",
    "notifications.tasks.send_mail": "发送邮件",
    "cultivation.reports.tasks.make_thumbnail": "生成缩略图",
}
# The benchmark's floor page (bench/urls.py), mounted only while `make bench` runs.
BENCH_FLOOR = env.bool("BENCH_FLOOR", default=False)
DEMO_PASSWORD = env("DEMO_PASSWORD", default="demo12345")
# The address users reach the site by, for links in mail.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# What each app adds to pages and lists it does not own (branches/registry.py reads these): the
# order here is the order on the page. Nothing registers itself by being imported.
# Sections of the home page: functions of the request returning {"template": ..., **context} or None.
HOME_PANELS = [
    "cultivation.views.home.secretary_panel",
    "cultivation.views.home.unit_panel",
    "cultivation.views.home.staff_panel",
    "evaluations.panels.reviewer_queue",
    "evaluations.panels.staff_rounds",
    "evaluations.panels.branch_results",
    "cultivation.reports.panels.reports_panel",
]
# Sections of an organization's page: functions of (request, organization) returning a dict or None.
ORGANIZATION_PANELS = ["cultivation.views.ladder.ladder_panel", "planning.guidance_views.commendations_panel"]
# Sections of a project's page, in the main column: functions of (request, project) returning a dict
# with "template" (rendered with the dict as context) or None.
PROJECT_PANELS = ["planning.panels.taskbook_panel"]
# Sections of a progress report's page (read and edit): functions of (request, report), as above.
REPORT_PANELS = ["planning.panels.report_panel"]
# Who else may read a project's materials (never change them): functions of the user returning a
# queryset of project ids, such as a reviewer's assignments.
PROJECT_READERS = ["evaluations.selectors.readable_project_ids"]
# The Chinese labels of every event action, per module that writes events.
EVENT_LABELS = [
    "branches.audit.EVENT_LABELS",
    "notifications.services.EVENT_LABELS",
    "cultivation.workflow.EVENT_LABELS",
    "cultivation.services.EVENT_LABELS",
    "cultivation.notices.EVENT_LABELS",
    "cultivation.reports.services.EVENT_LABELS",
    "cultivation.reports.evidence.EVENT_LABELS",
    "evaluations.services.EVENT_LABELS",
    "planning.services.EVENT_LABELS",
    "planning.guidance.EVENT_LABELS",
    "planning.appraisal.EVENT_LABELS",
    "dissemination.video.EVENT_LABELS",
    "dissemination.video_publication.EVENT_LABELS",
    "dissemination.pieces.EVENT_LABELS",
]
# Demo builders run after the organization tree demo, in order: build(context).
DEMO_BUILDERS = ["cultivation.demo.build", "evaluations.demo.build", "planning.demo.build",
                 "planning.guidance_demo.build", "dissemination.demo.build"]
# What `send_reminders` runs: each job takes today= and days_before= and returns {"sent": n, "skipped": m}.
REMINDER_JOBS = ["cultivation.reports.services.send_reminders", "planning.services.send_reminders"]
# Who tells a user that an export made by the worker (branches/tasks.py) is ready: functions of
# (users, *, title, body, url).
EXPORT_READY = ["notifications.services.notify"]

# The 示范建设微视频: the largest MP4 a branch may upload, and whether the web server (nginx, X-Accel-Redirect
# to its internal /protected/ location over MEDIA_ROOT) serves the bytes instead of Django.
MICRO_VIDEO_MAX_BYTES = env.int("MICRO_VIDEO_MAX_BYTES", default=500 * 1024 * 1024)
VIDEO_SERVED_BY_WEB_SERVER = env.bool("VIDEO_SERVED_BY_WEB_SERVER", default=FILES_SERVED_BY_WEB_SERVER)
