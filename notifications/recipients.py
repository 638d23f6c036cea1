"""Who holds a role over an organization: the lookups every app uses to address a notification.
They read only `branches`, so any app can use them."""

from django.contrib.auth import get_user_model

from branches.enums import Role
from branches.models import Organization, RoleAssignment


def people(organization, roles):
    """Users holding one of the roles on the organization or on an organization above it."""
    ids = organization.ancestor_ids + [organization.pk]
    user_ids = RoleAssignment.objects.filter(organization_id__in=ids, role__in=roles).values("user_id")
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True))


def secretaries(organization):
    return people_exact(organization, Role.SECRETARY)


def people_exact(organization, role):
    user_ids = RoleAssignment.objects.filter(organization=organization, role=role).values("user_id")
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True))


def unit_staff(organization):
    """二级党组织 staff over the organization (its unit and any 党总支 between)."""
    ids = [i for i in organization.ancestor_ids + [organization.pk]]
    units = Organization.objects.filter(pk__in=ids, depth__gte=organization.unit.depth if organization.unit else 0)
    user_ids = RoleAssignment.objects.filter(organization__in=units, role=Role.UNIT_STAFF).values("user_id")
    return list(get_user_model().objects.filter(pk__in=user_ids, is_active=True))


def organizers(owner):
    """The 组织部 staff who run a batch owned by `owner`: those of the owner itself, or, where it has
    none, of the nearest organization above it (a province is not told of each school's every step)."""
    ids = [owner.pk, *reversed(owner.ancestor_ids)]
    held = {}
    for organization_id, user_id in RoleAssignment.objects.filter(
            organization_id__in=ids, role=Role.ORG_STAFF, user__is_active=True).values_list("organization_id", "user_id"):
        held.setdefault(organization_id, []).append(user_id)
    nearest = next((held[pk] for pk in ids if pk in held), [])
    return list(get_user_model().objects.filter(pk__in=nearest))
