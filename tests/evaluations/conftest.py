import pytest

from tests.factories import OrganizationFactory, RoundFactory, reviewer_in, round_project


class Panel:
    """A mid-term round with a project in each of the Tree's two units and reviewers from five units."""

    def __init__(self, tree):
        self.tree = tree
        self.round = RoundFactory()
        self.project_a = round_project(tree.branch_a1, self.round)  # 甲学院党委
        self.project_b = round_project(tree.branch_b1, self.round)  # 乙学院党委
        self.unit_c = OrganizationFactory(name="丙学院党委", parent=tree.school)
        self.unit_d = OrganizationFactory(name="丁学院党委", parent=tree.school)
        self.reviewer_b = tree.reviewer                      # 乙学院党委
        self.reviewer_a = reviewer_in(tree.unit_a, username="expert_a")
        self.reviewer_c = reviewer_in(self.unit_c, username="expert_c")
        self.reviewer_d = reviewer_in(self.unit_d, username="expert_d")
        self.reviewer_c2 = reviewer_in(self.unit_c, username="expert_c2")

    @property
    def reviewers(self):
        return [self.reviewer_a, self.reviewer_b, self.reviewer_c, self.reviewer_c2, self.reviewer_d]


@pytest.fixture
def panel(tree):
    return Panel(tree)
