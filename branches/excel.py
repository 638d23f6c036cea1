"""Every Excel file the system writes goes through here, so each one looks the same (bold header, widths
for Chinese text, frozen header row) and writes what people typed as text Excel will never run.

What people type is written as a string cell (never a formula, never an error value such as “#N/A”),
and text that a spreadsheet would read as the start of a formula when the cell is edited (= + - @, a
tab or a line break first, or their full-width forms) also gets Excel's “quote prefix” style: shown as
typed, still text after F2 + Enter. Nothing is added to the value itself, so a file exported here
imports back to the very same text. Characters an .xlsx cannot hold (C0 controls other than tab and
line breaks) are dropped instead of failing the whole export; line breaks are written as line feeds.

Lists are streamed with openpyxl's write-only mode: rows go to a temporary file as they come.
"""

import datetime
import unicodedata
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

# Characters a spreadsheet may take as the start of a formula or a DDE command. The full-width forms
# are included because Excel in Chinese and Japanese input modes turns a typed ＝ into = when a cell
# is edited; the quote prefix costs nothing where it is not needed.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
MAX_CELL_TEXT = 32767  # Excel's limit for one cell
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)
MIN_WIDTH, MAX_WIDTH = 8, 60


def clean_text(value):
    """The text as an .xlsx can hold it: characters it cannot store removed, at most one cell long.
    Line breaks become Excel's own (a line feed, what Alt+Enter types): XML reads a stored carriage
    return back as a line feed anyway, so this is what a re-import would see."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return ILLEGAL_CHARACTERS_RE.sub("", text)[:MAX_CELL_TEXT]


def needs_quote_prefix(text):
    return text.startswith(FORMULA_STARTS)


def display_width(text):
    """Width in Excel's units: a CJK or full-width character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def cell(sheet, value, *, header=False):
    """One cell for `sheet`: text stays text, numbers stay numbers, dates get a date format."""
    if isinstance(value, str):
        text = clean_text(value)
        result = WriteOnlyCell(sheet, value=None)
        # Assigned after binding: openpyxl's own binding would turn “=…” into a formula and “#N/A” into an error.
        result._value, result.data_type = text, "s"
        if needs_quote_prefix(text):
            result.quotePrefix = True
    elif value is None or isinstance(value, (bool, int, float, Decimal)):
        result = WriteOnlyCell(sheet, value=value)
    elif isinstance(value, datetime.datetime):
        # Excel has no time zones: an aware time is written as the wall-clock time it carries.
        result = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        result.number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        result = WriteOnlyCell(sheet, value=value)
        result.number_format = DATE_FORMAT
    else:  # a lazy translation string, an enum label...: its text
        return cell(sheet, str(value), header=header)
    if header:
        result.font, result.fill, result.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
    return result


class Sheet:
    """A write-only sheet with a frozen, styled header row; `append` takes plain Python values."""

    def __init__(self, workbook, title, headers, *, widths=None):
        self._sheet = workbook.create_sheet(clean_text(title)[:31])
        widths = widths or {}
        for index, header in enumerate(headers, start=1):
            width = widths.get(header) or display_width(header) + 4
            self._sheet.column_dimensions[get_column_letter(index)].width = max(MIN_WIDTH, min(MAX_WIDTH, width))
        self._sheet.freeze_panes = "A2"
        self._sheet.append([cell(self._sheet, header, header=True) for header in headers])

    def append(self, values):
        self._sheet.append([cell(self._sheet, value) for value in values])


def workbook():
    """A new streaming workbook; add sheets with `Sheet(book, title, headers)`, then `book.save(target)`."""
    return Workbook(write_only=True)
