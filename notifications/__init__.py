"""The inbox, the outbox and once-only reminders, for every app.

It knows people only through `branches` (the recipient lookups) and nothing of any workflow: an app
says who hears what (`services.notify`), and the inbox, the mail queue and the reminder ledger do
the rest.
"""
