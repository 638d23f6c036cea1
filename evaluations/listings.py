"""The staff's list of evaluation rounds as one function: the list page and its 导出 Excel both call it, so
they always agree (see cultivation/listings.py)."""

from branches.listings import Listing

from . import selectors


def rounds(user, params=None):
    """The rounds of the batches the user runs (no filter form)."""
    return Listing(None, selectors.round_list(user))
