"""A move of a state table, as the apps declare them in their enums.py (no imports: enums load first)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Move:
    """One allowed move of a state table: from `sources` to `target`, by one of `actors`."""

    name: str
    label: str
    sources: tuple
    target: str
    actors: tuple
    phase: str = ""
    needs_reason: bool = False
    # The column that keeps the mover's reason or comment, when the row keeps it.
    comment_field: str = ""
    # What happened, said of the row ("已确认"), and the event's label when the button's differs.
    done: str = ""
    event: str = ""

    @property
    def event_label(self):
        return self.event or self.label
