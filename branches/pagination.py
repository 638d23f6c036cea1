from django.core.paginator import Paginator

PER_PAGE = 30


def paginate(request, queryset, per_page=PER_PAGE):
    """A page of the queryset; an out-of-range or malformed page number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def query_without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
