"""The demo's publicity pieces: approved ones on the showcase and in the feed, the others in review."""

import pytest
from django.urls import reverse

from dissemination.enums import PieceState
from dissemination.models import PublicityPiece
from tests.demo_world import demo_fixture

pytestmark = pytest.mark.django_db
demo = demo_fixture([None])


def test_demo_has_pieces_in_several_states_and_the_approved_ones_are_public(demo, client):
    states = set(PublicityPiece.objects.values_list("state", flat=True))
    assert {PieceState.APPROVED, PieceState.DRAFT, PieceState.RETURNED, PieceState.ENDORSED} <= states
    piece = PublicityPiece.objects.published().first()
    assert client.get(reverse("showcase:piece", args=[piece.pk])).status_code == 200
    assert reverse("showcase:piece", args=[piece.pk]) in client.get(reverse("showcase:feed")).content.decode()
