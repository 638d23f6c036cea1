"""Values reach the code only through a form or branches/inputs.py: no module of the apps reads
`request.POST`, `request.GET` or `request.FILES` by hand.

Read past a form, a 述职评议 note or a round's reopen reason took a NUL byte to PostgreSQL (a 500) and a
100,000-character reason into the event log. Passing the whole QueryDict on (to a form, to a listing that
builds its filter form) is how it is meant to be read; taking a value out of it (`.get`, `[...]`,
`in`, iterating it, or naming it to do so later) is not, outside branches/inputs.py.
"""

import ast

from tests.test_architecture import APPS, ROOT, app_modules

DOOR = ROOT / "branches" / "inputs.py"
QUERY_DICTS = {"GET", "POST", "FILES"}
UNPACKING = {"dict", "list", "set", "tuple", "sorted", "iter", "next", "len", "getattr"}
# (module, the read's source): each with why it stays.
ALLOWED = {
    # The objection form's captcha (公示异议): another change reworks this code and its read (issue 22).
    ("cultivation/views/public.py", 'request.POST.get("challenge")'),
    # django-axes' username callable: axes calls it with the sign-in request, before (and apart from) the
    # login form; it only cuts the name to the column's length for axes' own bookkeeping.
    ("branches/signin.py", 'getattr(request, "data", request.POST)'),
}


def _reads(node, parent):
    if isinstance(parent, (ast.Attribute, ast.Subscript)) and parent.value is node:
        return True  # request.POST.get(...), request.GET["x"], request.GET.copy()
    if isinstance(parent, ast.Compare):
        return True  # "nominate" in request.POST
    if isinstance(parent, (ast.For, ast.comprehension)) and parent.iter is node:
        return True
    if isinstance(parent, (ast.Assign, ast.AnnAssign, ast.NamedExpr)):
        return True  # params = request.GET, read on the next line
    if isinstance(parent, ast.keyword) and parent.arg is None:
        return True  # f(**request.POST)
    return (isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id in UNPACKING
            and node in parent.args)


def raw_reads(source):
    """[(line, source)] of every value read out of a request's GET, POST or FILES by hand."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in QUERY_DICTS and _reads(node, parents.get(node)):
            outer = parents[node]
            shown = outer if isinstance(outer, (ast.Attribute, ast.Subscript, ast.Call)) else node
            while isinstance(parents.get(shown), ast.Call) and parents[shown].func is shown:
                shown = parents[shown]
            found.append((node.lineno, ast.get_source_segment(source, shown) or ast.unparse(shown)))
    return sorted(found)


def test_no_view_reads_a_request_value_past_a_form_or_branches_inputs():
    offenders = []
    for app in APPS:
        for path in app_modules(app):
            if path == DOOR:
                continue
            name = path.relative_to(ROOT).as_posix()
            for line, text in raw_reads(path.read_text(encoding="utf-8")):
                if (name, text) not in ALLOWED:
                    offenders.append(f"{name}:{line} {text}")
    assert not offenders, ("read request values through a form or branches/inputs.py (query_*, posted_*): "
                           + "; ".join(offenders))


def test_the_allowed_reads_are_still_there():
    """An entry of ALLOWED whose read is gone is removed, so the list never hides a new one."""
    for name, text in ALLOWED:
        assert text in {found for _, found in raw_reads((ROOT / name).read_text(encoding="utf-8"))}, name


def test_the_detector_finds_each_way_of_reading_by_hand():
    written = (
        'note = request.POST.get("note", "")\n'             # 1
        'tab = self.request.GET["tab"]\n'                     # 2
        'if "nominate" in request.POST:\n    pass\n'          # 3
        'params = request.GET\n'                              # 5
        'for key in request.GET:\n    pass\n'                 # 6
        'data = dict(request.POST)\n'                         # 8
        'values = request.GET.getlist("ids")\n'               # 9
        'upload = request.FILES.get("file")\n'                # 10
        'query = request.GET.copy()\n'                        # 11
    )
    assert [line for line, _ in raw_reads(written)] == [1, 2, 3, 5, 6, 8, 9, 10, 11]
    assert raw_reads(written)[0][1] == 'request.POST.get("note", "")'


def test_the_detector_lets_a_form_or_a_listing_take_the_whole_query_dict():
    passed = ('form = NoteForm(request.POST or None, request.FILES or None)\n'
              'form = RoundForm(request.POST if request.method == "POST" else None)\n'
              'listing = listings.projects(request.user, request.GET)\n'
              'form = SheetForm(data=request.POST, criteria=criteria)\n')
    assert raw_reads(passed) == []


def test_the_detector_finds_a_read_added_to_a_real_view():
    source = (ROOT / "evaluations" / "views.py").read_text(encoding="utf-8")
    assert raw_reads(source) == []
    tampered = source.replace('reason=form.cleaned_data.get("reason", "")', 'reason=request.POST.get("reason", "")')
    assert tampered != source and [text for _, text in raw_reads(tampered)] == ['request.POST.get("reason", "")']
