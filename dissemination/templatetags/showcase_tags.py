"""The QR code on every showcase page: the page's own absolute address, drawn as an inline SVG.

Inline (no image request, no script) so it prints with the page and passes a strict CSP; segno draws
the dark modules as one path of horizontal runs.
"""

import segno
from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()
# Beyond this the code grows too dense to scan from a screen (and a hand-made query string can pass the
# largest QR code's capacity): the code then carries the page without its query string.
MAX_ADDRESS = 300


def qr_svg(address):
    code = segno.make(address, error="m", micro=False)
    return code.svg_inline(scale=4, border=4, svgclass="showcase-qr", lineclass=None, title="扫码访问本页",
                           dark="#000", light="#fff")


@register.simple_tag(takes_context=True)
def page_qr(context):
    request = context["request"]
    address = request.build_absolute_uri()
    if len(address) > MAX_ADDRESS:
        address = request.build_absolute_uri(request.path)
    return format_html('<figure class="showcase-qr-box text-center" data-testid="page-qr" data-address="{}">{}'
                       '<figcaption class="small text-muted">手机扫码访问本页</figcaption></figure>',
                       address, mark_safe(qr_svg(address)))  # segno escapes the title; the SVG is ours
