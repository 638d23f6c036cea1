"""Progress reports (培育阶段进展报告), their evidence, funding, milestones and reminders.

Laid out like an app: `models.py`, `enums.py` (states and allowed moves, as data), `selectors.py`
(reads), `services.py` (report writes, milestones, reminders), `evidence.py` (evidence and funding
writes), `forms.py`, `views.py`, `urls.py` (appended to cultivation/urls.py, namespace `cultivation`),
`panels.py` (home-page panels and the navbar badge) and `demo.py`. Imports point one way: models ←
enums ← selectors ← services ← forms ← views ← urls.

Why a package inside cultivation rather than an app of its own: a report belongs to a cultivated
project (a foreign key to Project, and its rules read the project's state), and keeping the Django
app label `cultivation` leaves the tables, the migrations and the admin URLs untouched: no data
migration for a move of code. The models are loaded through cultivation/models/__init__.py, the
module Django imports for the app; the template tags stay in cultivation/templatetags/report_tags.py
and the templates in templates/cultivation/reports/.
"""
