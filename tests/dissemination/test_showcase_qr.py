"""The QR code on every showcase page carries that page's absolute address.

The embedded SVG is read back into a module matrix (segno draws the dark modules as horizontal runs:
"M x y" starts, "hN" draws N modules, "m dx dy" moves), drawn as a PNG and decoded with zxing-cpp, so
the test reads what a phone would scan; and the matrix is compared with segno's own for the address.
"""
import io
import re

import segno
import zxingcpp
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from tests.dissemination.showcase_helpers import showcase_world

QR = re.compile(r'data-testid="page-qr" data-address="([^"]+)"><svg[^>]*>.*?<path stroke="#000" d="([^"]+)"', re.S)


def embedded(html):
    match = QR.search(html)
    assert match, "no QR code on the page"
    return match.group(1).replace("&amp;", "&"), match.group(2)


def matrix_of(path):
    """The set of (row, column) of dark modules, relative to the symbol's top left corner."""
    dark, x, y = set(), 0.0, 0.0
    for command, numbers in re.findall(r"([MmHh])([-\d.\s]+)", path):
        values = [float(v) for v in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        elif command == "h":
            for column in range(int(x), int(x + values[0])):
                dark.add((int(y), column))
            x += values[0]
    top = min(r for r, _ in dark)
    left = min(c for _, c in dark)
    return {(r - top, c - left) for r, c in dark}


def png_of(dark, scale=6, border=4):
    size = max(max(r, c) for r, c in dark) + 1
    image = Image.new("L", ((size + 2 * border) * scale,) * 2, 255)
    for r, c in dark:
        for dy in range(scale):
            for dx in range(scale):
                image.putpixel(((c + border) * scale + dx, (r + border) * scale + dy), 0)
    return image


def decoded(html):
    address, path = embedded(html)
    buffer = io.BytesIO()
    png_of(matrix_of(path)).save(buffer, "PNG")
    buffer.seek(0)
    results = zxingcpp.read_barcodes(Image.open(buffer))
    return address, [result.text for result in results]


def expected_matrix(address):
    code = segno.make(address, error="m", micro=False)
    return {(r, c) for r, row in enumerate(code.matrix) for c, value in enumerate(row) if value}


def test_every_showcase_page_has_a_qr_code_of_its_own_address(client, tree):
    world = showcase_world(tree, count=1)
    project = world.shown[0]
    urls = [reverse("showcase:index"), reverse("showcase:index") + f"?batch={world.batch.pk}&q=红烛",
            reverse("showcase:project", args=[project.pk])]
    for url in urls:
        response = client.get(url)
        address, texts = decoded(response.content.decode())
        assert address == response.wsgi_request.build_absolute_uri()
        assert texts == [address], url
        assert matrix_of(embedded(response.content.decode())[1]) == expected_matrix(address)


@override_settings(ALLOWED_HOSTS=["dangjian.example.edu.cn"])
def test_the_qr_code_follows_the_host_and_scheme(client, tree):
    world = showcase_world(tree, count=1)
    url = reverse("showcase:project", args=[world.shown[0].pk])
    response = client.get(url, HTTP_HOST="dangjian.example.edu.cn", secure=True)
    assert decoded(response.content.decode())[1] == [f"https://dangjian.example.edu.cn{url}"]


def test_a_long_query_string_leaves_it_out_of_the_qr_code(client, tree):
    showcase_world(tree, count=1)
    response = client.get(reverse("showcase:index"), {"q": "长" * 40, "batch": "9" * 2000})
    assert response.status_code == 200
    assert decoded(response.content.decode())[1] == ["http://testserver/public/showcase/"]
