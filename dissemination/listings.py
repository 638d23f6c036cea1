"""The publicity pieces waiting for the user's review as one function: the queue page and its 导出 Excel both
call it, so they always agree (see cultivation/listings.py)."""

from branches.listings import Listing

from . import selectors


def piece_queue(user, params=None):
    """待审核宣传稿件 in the user's scope (no filter form)."""
    return Listing(None, selectors.review_queue(user))
