from django.urls import path  # noqa: F401

app_name = "cultivation"

urlpatterns = []

from . import report_urls  # noqa: E402 - progress reports, evidence, funding and the inbox

urlpatterns += report_urls.urlpatterns
