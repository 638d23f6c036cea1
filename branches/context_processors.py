from . import access
from .version import current as current_version
from .enums import Role


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_roles": set(), "app_version": current_version()}
    held = access.roles(user)
    if user.is_superuser:
        held = held | {Role.ORG_STAFF}
    return {
        "nav_roles": held,
        "nav_is_org_staff": Role.ORG_STAFF in held,
        "nav_is_unit_staff": Role.UNIT_STAFF in held,
        "nav_is_secretary": Role.SECRETARY in held,
        "nav_is_reviewer": Role.REVIEWER in held,
        "nav_role_labels": [Role(role).label for role in Role if role in held],
        "app_version": current_version(),
    }
