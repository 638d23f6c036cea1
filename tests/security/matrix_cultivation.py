"""Access-matrix rows for the URLs of the `cultivation` app. Filled by the engineers who write its views.

Add one `Row` (tests/security/matrix.py) per URL name and method; the meta-test in
test_access_matrix.py fails, naming the URL, until every name of `cultivation/urls.py` has one. A row:

    Row(
        "cultivation:project_detail",                       # the URL name, as reverse() takes it
        own=expect(NOT_FOUND, anonymous=LOGIN, org_staff=OK, unit_staff=OK, secretary=OK,
                   reviewer_assigned=OK),
        foreign=expect(NOT_FOUND, anonymous=LOGIN, org_staff=OK, other_unit_staff=OK,
                       other_secretary=OK),
        kwargs=lambda world, which: {"pk": ProjectFactory(organization=world.branch(which)).pk},
        method="get",                                    # "post" rows also send data=...
        data=None,                                       # (world, which) -> dict, valid input
    )

- `expect(default, **role=answer)` gives every role an answer: OK (200), LOGIN (302 to the login
  page), REDIRECT (302 elsewhere, e.g. after a successful POST), FORBIDDEN (403), NOT_FOUND (404),
  NOT_ALLOWED (405). Hidden objects answer 404; pages a role may never use answer 403.
- "own" objects belong to world.branch("own") (甲一党支部, unit 甲学院党委); "foreign" ones to
  world.branch("foreign") (乙一党支部, unit 乙学院党委). world.tree is tests.factories.Tree().with_reviewers().
- Reviewers: `reviewer_assigned` is tree.reviewer (乙学院党委) and must be assigned to the own object
  by the kwargs builder; `reviewer_unassigned` gets no assignment; `reviewer_conflicted` belongs to
  甲学院党委 and may never see 甲一党支部's projects, even with an assignment the builder forces in.
- A URL with no object (a list, a create page) gives only `own` and no kwargs.
- The same rows drive the CSRF test (every POST row is replayed without a token) and the refusal
  check (a refused request changes no row of any table).
"""

ROWS = []
