"""What a view does with a service's answer, written once for every app's pages."""

from django.contrib import messages
from django.core.exceptions import ValidationError

from branches import access

from .refusals import MoveRefused, NotAllowed


def run(request, action, success=None):
    """Call a service: a role refusal answers 403, any other refusal (or a model's validation error) is
    flashed in Chinese; `success` is flashed when it went through. True when it succeeded."""
    try:
        action()
    except NotAllowed as refused:
        access.refuse(request.user, refused.message, not_found=False)
    except MoveRefused as refused:
        messages.error(request, refused.message)
        return False
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return False
    if success:
        messages.success(request, success)
    return True
