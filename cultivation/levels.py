"""Words that name a level, in one place, keyed by the level of the batch's owner (`Batch.level`, which
follows `Batch.owner`: a school's 党委, a province's 省委教育工委, the ministry).

The state and move labels in `enums.py` are written for a school's batch; above a school the same states
wait on different people (a school recommends into the province's batch, the province screens), so every
page that shows a project's state or a move that names a level asks here."""

from .enums import Level, ProjectState

# Who runs the batch and screens what is recommended into it.
ORGANIZER = {Level.SCHOOL: "党委组织部", Level.PROVINCE: "省委教育工委", Level.NATIONAL: "教育部"}
# Who screens, as a state label says it ("待学校筛选").
SCREENER = {Level.SCHOOL: "学校", Level.PROVINCE: "省委教育工委", Level.NATIONAL: "教育部"}
# Who recommends into the batch: the 二级党组织 in a school's batch, a school into the province's, a
# province into the ministry's (`workflow.recommender_of`).
RECOMMENDER = {Level.SCHOOL: "二级党组织", Level.PROVINCE: "学校", Level.NATIONAL: "省级教育工委"}


def organizer(level):
    return ORGANIZER.get(level, ORGANIZER[Level.SCHOOL])


def recommender(level):
    return RECOMMENDER.get(level, RECOMMENDER[Level.SCHOOL])


def state_label(state, level):
    """A project's state as its batch's level says it."""
    if state == ProjectState.SUBMITTED:
        return f"待{recommender(level)}推荐"
    if state == ProjectState.NOMINATED:
        return f"已推荐，待{SCREENER.get(level, SCREENER[Level.SCHOOL])}筛选"
    return ProjectState(state).label


def move_label(move, level):
    """A move's button as its batch's level says it: 退回二级党组织 is 退回学校 in the province's batch."""
    if move.name == "return_nomination":
        return f"退回{recommender(level)}"
    return move.label
