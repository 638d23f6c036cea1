"""A campus CAS server for the tests: django-mama-cas as its own Django site, in its own process and
database (tests/branches/test_campus_login.py starts it with serve.py)."""

import os

SECRET_KEY = "cas-server-for-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
                  "django.contrib.messages", "mama_cas"]
MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
              "django.contrib.auth.middleware.AuthenticationMiddleware",
              "django.contrib.messages.middleware.MessageMiddleware"]
ROOT_URLCONF = "tests.cas_server.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["CAS_SERVER_DB"]}}
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
              "OPTIONS": {"context_processors": ["django.contrib.auth.context_processors.auth",
                                                 "django.contrib.messages.context_processors.messages",
                                                 "django.template.context_processors.request"]}}]
USE_TZ = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # a test server: fast logins
# The app under test is the one service (the test client, or the live server for single sign-out); it
# receives the employee number as an attribute as well, and a logoutRequest when the user signs out here.
MAMA_CAS_SERVICES = [{"SERVICE": r"^http://(testserver|localhost:\d+)/", "CALLBACKS": ["tests.cas_server.serve.employee_number"],
                      "LOGOUT_ALLOW": True}]
