"""The 培育 demo data: reports in several states, real files, evidence and funding."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from branches.uploads import check_upload
from cultivation.models import Attachment, Exemplar, Outcome, ProgressReport, Publication, Spending
from cultivation.reports import demo as demo_reports
from cultivation.reports.enums import ReportState
from cultivation.reports.selectors import funding_of, pending_periods
from tests.factories import cultivating_batch, cultivating_project

pytestmark = pytest.mark.django_db


def test_the_demo_gives_the_secretary_accepted_returned_and_due_reports(tree, media_root):
    today = timezone.localdate()
    batch = cultivating_batch(today - datetime.timedelta(days=100))
    own = cultivating_project(tree.branch_a1, batch=batch)
    others = [cultivating_project(branch, batch=batch) for branch in (tree.branch_a2, tree.branch_b1, tree.direct)]
    context = {"batches": {"cultivating": batch}, "projects": {"cultivating": [own, *others]},
               "users": {"secretary": tree.secretary, "unit": tree.unit_staff, "staff": tree.staff},
               "secretary_branch": tree.branch_a1, "today": today}
    demo_reports.build(context)

    states = list(ProgressReport.objects.filter(project=own).order_by("period_due").values_list("state", flat=True))
    assert len(states) >= 3 and set(states[:-1]) == {ReportState.ACCEPTED} and states[-1] == ReportState.RETURNED
    assert ProgressReport.objects.get(project=own, state=ReportState.RETURNED).return_reason
    assert [p.project for p in pending_periods(tree.secretary, today=today, statuses=("due",))] == [own]
    files = Attachment.objects.filter(project=own)
    assert files.count() == 4 and {a.content_type for a in files} == {"image/png", "image/jpeg", "application/pdf"}
    assert all((media_root / a.path).is_file() for a in files)
    assert Publication.objects.filter(project=own).count() == 5 and Outcome.objects.filter(project=own).count() == 6
    assert Exemplar.objects.filter(project=own).count() == 3
    [row] = funding_of(own)
    assert row.allocated > 0 and 0 < row.spent <= row.allocated
    for project in others:
        assert ProgressReport.objects.filter(project=project).exists()
        assert Spending.objects.filter(activity__project=project).exists()


def test_the_demo_evidence_files_open_as_what_they_claim_and_pass_the_upload_checks(tree, media_root):
    today = timezone.localdate()
    batch = cultivating_batch(today - datetime.timedelta(days=100))
    own = cultivating_project(tree.branch_a1, batch=batch)
    context = {"batches": {"cultivating": batch}, "projects": {"cultivating": [own]},
               "users": {"secretary": tree.secretary, "unit": tree.unit_staff, "staff": tree.staff},
               "secretary_branch": tree.branch_a1, "today": today}
    demo_reports.build(context)
    for attachment in Attachment.objects.filter(project=own):
        content = (media_root / attachment.path).read_bytes()
        if attachment.content_type == "application/pdf":
            # A viewer needs the cross-reference table and the trailer, not only the signature.
            assert content.startswith(b"%PDF-") and b"xref" in content and b"trailer" in content
        else:
            with Image.open(io.BytesIO(content)) as image:
                image.verify()
            with Image.open(io.BytesIO(content)) as image:
                assert image.size[0] >= 100 and image.format in ("PNG", "JPEG")
        checked = check_upload(SimpleUploadedFile(attachment.original_name, content))
        assert (checked.content_type, checked.size) == (attachment.content_type, attachment.size)
