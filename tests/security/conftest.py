import pytest

from tests.factories import Tree

from .matrix import World


@pytest.fixture
def world(db):
    return World(Tree().with_reviewers())
