"""What a view does with a service's answer, written once for every app's pages."""

from django.contrib import messages
from django.core.exceptions import ValidationError

from branches import access

from .refusals import MoveRefused, NotAllowed


def run(request, action, success=None, *, form=None):
    """Call a service: a role refusal answers 403, any other refusal (or a model's validation error) is
    flashed in Chinese; `success` is flashed when it went through. True when it succeeded.

    With `form` (a bound form the view will show again), the refusal is put on that form instead, so it
    appears beside what the user typed rather than at the top of the page."""
    try:
        action()
    except NotAllowed as refused:
        access.refuse(request.user, refused.message, not_found=False)
    except (MoveRefused, ValidationError) as refused:
        message = refused.message if isinstance(refused, MoveRefused) else "；".join(refused.messages)
        if form is not None:
            form.add_error(None, message)
        else:
            messages.error(request, message)
        return False
    if success:
        messages.success(request, success)
    return True
