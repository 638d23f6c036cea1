"""Access matrix rows of the public 成果展示平台 (dissemination.showcase): anyone, signed in or not.

The own and foreign objects are an accepted project (with a picture) of 甲一党支部 and of 乙一党支部;
the rows labelled "hidden" ask for the same pages of a project still in draft, which nobody finds.
"""

from .matrix import NOT_FOUND, OK, Row, expect

PUBLIC = expect(OK)
NOBODY = expect(NOT_FOUND)


def _showcased(world, which):
    """An accepted project of the `which` branch with one picture: (project, picture)."""
    cache = world.__dict__.setdefault("_showcased", {})
    if which not in cache:
        from tests.dissemination.showcase_helpers import showcased

        cache[which] = showcased(world.tree, world.branch(which), batch=_batch(world), title=f"展示{which}",
                                 index=0)[:2]
    return cache[which]


def _hidden(world, which):
    """A draft project of the `which` branch with a picture (uploaded while it was a target, then set back)."""
    cache = world.__dict__.setdefault("_hidden_showcase", {})
    if which not in cache:
        from cultivation.enums import ProjectState
        from cultivation.models import Project
        from tests.dissemination.showcase_helpers import showcased

        project, picture, _ = showcased(world.tree, world.branch(which), batch=_batch(world), title=f"草稿{which}",
                                        index=1)
        Project.objects.filter(pk=project.pk).update(state=ProjectState.DRAFT)
        cache[which] = project, picture
    return cache[which]


def _batch(world):
    if not hasattr(world, "_showcase_batch"):
        from tests.factories import cultivating_batch

        world._showcase_batch = cultivating_batch()
    return world._showcase_batch


def _published_batch(world, which):
    """The showcase batch, once `which` branch's project in it passed acceptance: its booklet is public."""
    _showcased(world, which)
    return _batch(world)


def _unpublished_batch(world):
    """A batch with nothing accepted: its booklet is not published."""
    if not hasattr(world, "_unpublished_batch"):
        from tests.factories import cultivating_batch

        world._unpublished_batch = cultivating_batch()
    return world._unpublished_batch


ROWS = [
    Row("showcase:index", PUBLIC),
    Row("showcase:project", own=PUBLIC, foreign=PUBLIC, kwargs=lambda w, which: {"pk": _showcased(w, which)[0].pk}),
    Row("showcase:project", own=NOBODY, foreign=NOBODY, kwargs=lambda w, which: {"pk": _hidden(w, which)[0].pk},
        label="hidden"),
    Row("showcase:picture", own=PUBLIC, foreign=PUBLIC, kwargs=lambda w, which: {"pk": _showcased(w, which)[1].pk}),
    Row("showcase:picture", own=NOBODY, foreign=NOBODY, kwargs=lambda w, which: {"pk": _hidden(w, which)[1].pk},
        label="hidden"),
    Row("showcase:booklet", own=PUBLIC, foreign=PUBLIC, kwargs=lambda w, which: {"pk": _published_batch(w, which).pk}),
    Row("showcase:booklet", own=NOBODY, foreign=NOBODY, kwargs=lambda w, which: {"pk": _unpublished_batch(w).pk},
        label="unpublished"),
]
