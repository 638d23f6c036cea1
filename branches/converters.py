"""The one converter every id in a URL goes through.

Django's `<int:...>` matches any run of ASCII digits, so a 20-digit id reached the database
(SQLite: OverflowError, PostgreSQL: "bigint out of range", a 500). This one matches 1 to 18 ASCII
digits, which always fits the 64-bit primary keys (DEFAULT_AUTO_FIELD is BigAutoField), and answers
"no match" (a 404) for anything else. tests/security/test_fuzz_requests.py fails if a URL pattern
uses `<int:...>` again.
"""

from django.urls import register_converter

# The largest value a BigAutoField (PostgreSQL bigint, SQLite integer) can hold.
LARGEST_ID = 2**63 - 1


class IdConverter:
    # Character class, not \d: \d would match Unicode digits too.
    regex = "[0-9]{1,18}"

    def to_python(self, value):
        number = int(value)
        if not 0 < number <= LARGEST_ID:
            # A ValueError tells the resolver the pattern does not match: a 404, never a 500.
            raise ValueError(f"id out of range: {value}")
        return number

    def to_url(self, value):
        return str(int(value))


register_converter(IdConverter, "id")
