"""Cultivation models, one module per subject; import them from here."""

from ..reports.models import (  # noqa: F401 - progress reports keep the app label `cultivation`
    ActivityProgress, Attachment, Exemplar, Milestone, Outcome, ProgressReport, Publication, Spending,
)
from .batches import Batch, Holiday, HolidayYear, UnitQuota  # noqa: F401
from .notices import Notice, NoticeItem, NoticeRevision, Objection, SpentChallenge  # noqa: F401
from .projects import FeaturedActivity, Project, WindowExtension  # noqa: F401
from .reviews import (  # noqa: F401
    AcceptanceRecord, DeliverableKind, FeedbackItem, FinalDeliverable, FinalReport, MidtermReport, ReviewAttachment,
    ReviewStage,
)
