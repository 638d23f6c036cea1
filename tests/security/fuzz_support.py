"""What the cultivation and evaluations fuzz tests share: a success test that reads the flashed
messages, and a client that fills in the version the page would carry (so valid payloads reach the
services instead of stopping at "页面已过期")."""

from django.contrib import messages
from hypothesis import strategies as st

VERSION = "@version"  # placeholder sent by the valid payloads; replaced by the object's current version


def flashed(response):
    storage = getattr(response.wsgi_request, "_messages", None)
    return list(getattr(storage, "_queued_messages", []))


def accepted(response):
    """A redirect that flashed a success (or nothing at all): only then may the request have written."""
    if response.status_code != 302:
        return False
    levels = {message.level for message in flashed(response)}
    return messages.SUCCESS in levels or not levels


class CurrentClient:
    """A test client whose posts carry the object's current version wherever a payload says VERSION."""

    def __init__(self, client, version=None):
        self.client, self.version = client, version

    def _fill(self, data):
        if self.version is None:
            return data
        return {name: (str(self.version()) if value == VERSION else value) for name, value in data.items()}

    def post(self, url, data):
        return self.client.post(url, self._fill(data))

    def get(self, url, data):
        return self.client.get(url, self._fill(data))


def with_fields(payloads, **fixed):
    """Payloads with fixed extra fields (that the form class does not declare) added, unless hostile ones exist."""
    return payloads.map(lambda pair: ({**fixed, **pair[0]}, pair[1]))


def prefixed(payloads, prefix):
    return payloads.map(lambda pair: ({f"{prefix}{name}": value for name, value in pair[0].items()}, pair[1]))


def merged(*strategies):
    """One (data, files) payload out of several, e.g. a form and its formset."""
    def merge(pairs):
        data, files = {}, {}
        for pair_data, pair_files in pairs:
            data.update(pair_data)
            files.update(pair_files)
        return data, files
    return st.tuples(*strategies).map(merge)
