"""Every list a role can filter has its 导出 Excel, and the file holds what the page shows (issue 24, item 16).

The class: each view that paginates a list is either in LISTS, or in NOT_EXPORTED with the reason it is not a
list of records to hand on (a person's own inbox or work, a public page, a section of another page). For each
list in LISTS, as the role that reads it and under each query: the page carries an 导出 Excel link, and the
file that link downloads holds the page's rows (every page of them), in the page's order.
"""

import inspect
import re
from dataclasses import dataclass, field
from html import unescape

import pytest
from django.urls import get_resolver, reverse

from branches.audit import log_event
from cultivation.enums import ProjectState
from cultivation.models import Project
from dissemination import pieces as piece_services
from planning.enums import TaskBookState
from tests.dissemination.piece_helpers import draft
from tests.factories import BatchFactory, ProjectFactory, RoundFactory, cultivating_project, round_project
from tests.planning.helpers import book_with_tasks
from tests.planning.test_commendations import _accepted, _commend

from .helpers import column

EXPORT_LINK = re.compile(r'<a\b[^>]*href="([^"]*)"[^>]*data-testid="export"')


@dataclass
class ListCase:
    export: str
    user: str  # the Tree attribute of the role that reads the list
    key: object  # the text of one page row that the export's `column` holds
    column: str
    queries: list = field(default_factory=lambda: [""])
    args: str = ""  # the world's object whose pk the two URLs take


def organization_name(item):
    return item.project.organization.name


LISTS = {
    "branches:organization_list": ListCase("branches:roster_export", "staff", lambda o: o.name, "组织名称",
                                           ["", "kind=branch", "unit=zz"]),
    "branches:event_list": ListCase("branches:event_export", "staff", lambda e: e.object_repr, "对象",
                                    ["", "action=organization.updated", "action=nope"]),
    "cultivation:batch_list": ListCase("cultivation:batch_export", "staff", lambda b: b.name, "批次"),
    "cultivation:project_list": ListCase("cultivation:project_export", "staff", lambda p: p.organization.name,
                                         "培育单位", ["", "state=cultivated", "q=%E7%94%B2", "state=bogus"]),
    "cultivation:notice_list": ListCase("cultivation:notice_export", "staff", lambda n: n.title, "标题"),
    "cultivation:objection_list": ListCase("cultivation:objection_list_export", "staff", lambda o: o.name, "提出人"),
    "cultivation:screening": ListCase("cultivation:screening_export", "staff", lambda p: p.organization.name,
                                      "党支部", ["", "branch_type=student", "sort=name"], args="batch"),
    "cultivation:nominations": ListCase("cultivation:nominations_export", "unit_staff",
                                        lambda p: p.organization.name, "党支部", args="batch"),
    "cultivation:report_list": ListCase("cultivation:report_export", "staff", organization_name, "党支部",
                                        ["", "tab=submitted", "tab=due", "tab=nonsense"]),
    "cultivation:funding_list": ListCase("cultivation:funding_export", "staff", organization_name, "培育单位",
                                         ["", "category=none"]),
    "planning:appraisal_list": ListCase("planning:appraisal_export", "staff", lambda r: r.organization.name,
                                        "党组织", ["", "level=unit"]),
    "planning:commendation_list": ListCase("planning:commendation_export", "staff", organization_name, "党支部"),
    "planning:review_queue": ListCase("planning:review_queue_export", "staff", organization_name, "党支部",
                                      ["", "tab=submitted", "tab=endorsed", "tab=nonsense"]),
    "dissemination:piece_queue": ListCase("dissemination:piece_queue_export", "unit_staff", lambda p: p.title,
                                          "标题"),
    "evaluations:round_list": ListCase("evaluations:round_list_export", "staff", lambda r: r.name, "名称"),
    "evaluations:round_results": ListCase("evaluations:round_results_export", "staff", organization_name,
                                          "培育单位", args="round"),
    "evaluations:branch_results": ListCase("evaluations:branch_results_export", "secretary",
                                           lambda pair: pair["project"].organization.name, "培育项目"),
}

NOT_EXPORTED = {
    "notifications:inbox_list": "a person's own messages",
    "evaluations:queue": "a reviewer's own sheets to score, opened one by one",
    "evaluations:conflicts": "a reviewer's own declared conflicts",
    "evaluations:self_list": "a secretary's own self-evaluations to write",
    "evaluations:round_detail": "the round's working panel; its scores leave through round_export",
    "branches:organization_detail": "one organization's page; its children are rows of the roster export",
    "showcase:index": "the public showcase, for visitors",
    "public:notice_list": "the public notices, for visitors",
}

# The lists this issue gave an export: the world below puts rows in each, so the comparison is not of nothing.
NEW = ["cultivation:batch_list", "evaluations:round_list", "planning:commendation_list", "planning:review_queue",
       "dissemination:piece_queue"]


def paginating_views():
    """Every URL name whose view builds a page of a list (calls paginate)."""
    names = set()
    for name, view in _named_views(get_resolver()):
        try:
            source = inspect.getsource(inspect.unwrap(view))
        except (OSError, TypeError):
            continue
        if "paginate(" in source:
            names.add(name)
    return names


def _named_views(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_views(pattern, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}", pattern.callback


def test_every_paginated_list_is_exported_or_says_why_not():
    views = paginating_views()
    assert views, "no paginated list found: the scan is broken"
    unaccounted = views - set(LISTS) - set(NOT_EXPORTED)
    assert not unaccounted, f"a list without an 导出 Excel (add it to LISTS, or say why not): {sorted(unaccounted)}"
    assert not (set(LISTS) | set(NOT_EXPORTED)) - views, "a name here is no longer a paginated list"


@pytest.fixture
def world(tree, other):
    """A row or more in every list, in the tree's school and in another school."""
    batch = BatchFactory()
    for branch in (tree.branch_a1, tree.branch_a2, tree.branch_b1):
        ProjectFactory(batch=batch, organization=branch)
    Project.objects.filter(batch=batch).update(state=ProjectState.SUBMITTED)
    round_ = RoundFactory()
    round_project(tree.branch_a1, round_)
    RoundFactory(batch=other["batch"], name="外校中期评估")
    _commend(tree, _accepted(tree.branch_a1))
    _commend(tree, _accepted(tree.branch_b1), title="=HYPERLINK(\"http://evil.example\")")
    book_with_tasks(cultivating_project(tree.branch_a2), state=TaskBookState.SUBMITTED)
    book_with_tasks(cultivating_project(tree.branch_b1), state=TaskBookState.ENDORSED)
    piece = draft(tree, title="=1+1 把支部建在学科上")
    piece_services.piece_move(piece=piece, name="submit", actor=tree.secretary)
    log_event(actor=tree.staff, action="organization.updated", target=tree.branch_a1)
    return {"batch": batch, "round": round_}


def page_rows(response, key):
    assert response.status_code == 200
    return [key(item) for item in response.context["page"].paginator.object_list]


@pytest.mark.parametrize("name", sorted(LISTS))
def test_each_list_exports_the_rows_it_shows(world, tree, client_for, name):
    case = LISTS[name]
    client = client_for(getattr(tree, case.user))
    args = [world[case.args].pk] if case.args else []
    for query in case.queries:
        response = client.get(f"{reverse(name, args=args)}?{query}")
        listed = page_rows(response, case.key)
        links = EXPORT_LINK.findall(response.content.decode())
        assert links, f"{name}?{query}: no 导出 Excel link"
        href = unescape(links[0])
        assert href.split("?")[0] == reverse(case.export, args=args), href
        assert column(client.get(href), case.column) == listed, f"{name}?{query}"
        if name in NEW and query == "":
            assert listed, f"{name}: the world left the list empty"


@pytest.mark.parametrize("name", NEW)
def test_the_new_exports_keep_scope_and_refuse_other_roles(world, tree, other, client_for, name):
    case = LISTS[name]
    export = reverse(case.export)
    mine = column(client_for(getattr(tree, case.user)).get(export), case.column)
    theirs = column(client_for(other["staff"]).get(export), case.column)
    assert not set(mine) & set(theirs) or name == "cultivation:batch_list"
    assert "外校中期评估" not in mine
    refused = client_for(tree.reviewer).get(export)
    assert refused.status_code in (403, 404) or name == "cultivation:batch_list"


def test_user_text_stays_text_in_the_new_exports(world, tree, client_for):
    from .helpers import sheet_of

    for name, who in (("planning:commendation_export", tree.staff), ("dissemination:piece_queue_export", tree.unit_staff)):
        sheet = sheet_of(client_for(who).get(reverse(name)))
        cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row
                 if isinstance(cell.value, str) and cell.value.startswith("=")]
        assert cells and all(cell.data_type == "s" for cell in cells), name
