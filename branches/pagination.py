from django.core.paginator import Paginator

from .inputs import query_count, query_without

PER_PAGE = 30


def paginate(request, queryset, per_page=PER_PAGE):
    """A page of the queryset; an out-of-range or malformed page number gives the nearest page.

    The number is read by the one parser of branches/inputs.py (ASCII digits, bounded), so ?page=²
    or a 30-digit page never reaches int() or the database as an OFFSET.
    """
    return Paginator(queryset, per_page).get_page(query_count(request, "page"))


def query_without_page(request):
    return query_without(request, "page")
