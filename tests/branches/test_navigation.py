"""The navigation bar: short enough to read on one line at 1280 px, every role's pages still linked."""
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

TOP_LEVEL_ITEM = re.compile(r'<li class="nav-item[ "]')
MAX_TOP_LEVEL = 9


def top_level_items(html):
    navbar = html.split('data-testid="navbar"', 1)[1].split("</nav>", 1)[0]
    return len(TOP_LEVEL_ITEM.findall(navbar))


@pytest.mark.parametrize("who", ["staff", "unit_staff", "secretary", "reviewer"])
def test_each_roles_menu_has_few_enough_top_level_entries_to_fit_one_line(tree, client_for, who):
    html = client_for(getattr(tree, who)).get(reverse("home")).content.decode()
    assert top_level_items(html) <= MAX_TOP_LEVEL


def test_the_staff_menu_groups_its_pages_into_dropdowns_and_still_links_each(tree, client_for):
    html = client_for(tree.staff).get(reverse("home")).content.decode()
    navbar = html.split('data-testid="navbar"', 1)[1].split("</nav>", 1)[0]
    assert 'data-testid="nav-cultivation"' in navbar and 'data-testid="nav-admin"' in navbar
    for name in ["cultivation:batch_list", "cultivation:project_list", "cultivation:report_list",
                 "cultivation:notice_list", "public:notice_list", "evaluations:round_list",
                 "branches:organization_list", "branches:event_list", "notifications:inbox_list"]:
        assert f'href="{reverse(name)}"' in navbar, name


def test_anonymous_visitors_see_the_public_notices_and_the_login_link(client):
    html = client.get(reverse("public:notice_list")).content.decode()
    navbar = html.split('data-testid="navbar"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{reverse("public:notice_list")}"' in navbar and f'href="{reverse("login")}"' in navbar
