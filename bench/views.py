from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def floor(request):
    """The base layout for a logged-in user and nothing else: the benchmark's floor (served only when
    settings.BENCH_FLOOR is on)."""
    return render(request, "bench/floor.html")
