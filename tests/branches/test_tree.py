import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from branches import services
from branches.enums import OrgKind
from branches.models import Organization
from tests.factories import BranchFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def chain(depth):
    node = OrganizationFactory(kind=OrgKind.UPPER, name="省委教育工委")
    nodes = [node]
    for level in range(depth):
        node = OrganizationFactory(kind=OrgKind.COMMITTEE if level else OrgKind.SCHOOL, parent=node)
        nodes.append(node)
    nodes.append(BranchFactory(parent=node))
    return nodes


def test_path_and_unit_follow_the_tree(tree):
    assert tree.branch_a2.path == f"{tree.general.path}{tree.branch_a2.pk}/"
    assert tree.branch_a2.unit == tree.unit_a  # a 党总支 inside a 基层党委 is not itself the unit
    assert tree.direct.unit == tree.direct  # a 直属党支部 is its own secondary level
    assert tree.school.unit is None


@pytest.mark.parametrize("depth", [3, 9])
def test_subtree_and_ancestors_take_one_query_each_at_any_depth(depth):
    nodes = chain(depth)
    root, leaf = nodes[0], nodes[-1]
    with CaptureQueriesContext(connection) as queries:
        subtree = list(Organization.objects.within([root.path]))
        ancestors = list(Organization.objects.filter(pk__in=leaf.ancestor_ids))
    assert len(queries) == 2
    assert len(subtree) == depth + 2
    assert [a.pk for a in sorted(ancestors, key=lambda a: a.depth)] == [n.pk for n in nodes[:-1]]


@pytest.mark.parametrize("depth", [3, 9])
def test_moving_a_subtree_costs_the_same_queries_at_any_depth(depth, django_assert_max_num_queries):
    nodes = chain(depth)
    target = OrganizationFactory(kind=OrgKind.SCHOOL, name="另一所学校党委")
    with django_assert_max_num_queries(12):
        services.organization_update(actor=None, organization=nodes[1], parent=target)
    leaf = Organization.objects.get(pk=nodes[-1].pk)
    assert leaf.path.startswith(target.path)
    assert leaf.depth == depth + 1


def test_tree_may_grow_upward(tree):
    province = services.organization_create(actor=None, code="PROV", name="省委教育工委", kind=OrgKind.UPPER)
    services.organization_update(actor=None, organization=tree.school, parent=province)
    branch = Organization.objects.get(pk=tree.branch_a2.pk)
    assert branch.path.startswith(province.path)
    assert branch.unit_id == tree.unit_a.pk


def test_a_node_cannot_move_under_its_own_subtree(tree):
    with pytest.raises(ValidationError):
        services.organization_update(actor=None, organization=tree.unit_a, parent=tree.general)
    assert Organization.objects.get(pk=tree.unit_a.pk).parent_id == tree.school.pk
