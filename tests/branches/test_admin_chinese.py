"""The admin index reads in Chinese, django-axes included (issue 8, defect 7)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def visible_text(html):
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_the_admin_index_has_no_english(admin_client):
    text = visible_text(admin_client.get(reverse("admin:index")).content.decode())
    assert "登录防护" in text and "登录尝试" in text
    assert set(re.findall(r"[A-Za-z]{3,}", text)) <= {"admin"}  # admin_client's user name


def test_the_axes_change_list_reads_in_chinese(admin_client):
    text = visible_text(admin_client.get(reverse("admin:axes_accessattempt_changelist")).content.decode())
    assert "登录尝试" in text and "Access" not in text and "Attempt" not in text
