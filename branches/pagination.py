from django.core.paginator import Paginator

from .inputs import parse_count

PER_PAGE = 30


def paginate(request, queryset, per_page=PER_PAGE):
    """A page of the queryset; an out-of-range or malformed page number gives the nearest page.

    The number is read by the one parser of branches/inputs.py (ASCII digits, bounded), so ?page=²
    or a 30-digit page never reaches int() or the database as an OFFSET.
    """
    return Paginator(queryset, per_page).get_page(parse_count(request.GET.get("page")))


def query_without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
