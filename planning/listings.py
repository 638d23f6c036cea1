"""The lists of planning as one function each: the commendations and the task-book review queue. The list
page and its 导出 Excel both call it, so they always agree (see cultivation/listings.py)."""

from dataclasses import dataclass

from branches.listings import Listing

from . import selectors


@dataclass
class QueueListing(Listing):
    tab: str = ""
    tabs: tuple = ()


def commendations(user, params=None):
    """Every commendation of the batches the user runs (no filter form)."""
    return Listing(None, selectors.managed_commendations(user))


def taskbook_queue(user, params):
    """One tab of the books waiting on the user: ?tab= when it is one of the user's tabs, else the last
    (组织部 staff open on what waits for their confirmation). No tab at all: the user reviews no books."""
    tabs = tuple(selectors.queue_tabs(user))
    if not tabs:
        return QueueListing(None, None, "", tabs)
    tab = params.get("tab")
    tab = tab if tab in tabs else tabs[-1]
    return QueueListing(None, selectors.queue(user, tab), tab, tabs)
