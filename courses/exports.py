"""Spreadsheet downloads (CSV and XLSX) that open safely in a spreadsheet program.

Names and other text in the downloads come from people outside the education team: a member's
name, a local's request, a facilitator's profile. A spreadsheet program reads a CSV cell that
starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before one) as a formula,
which can fetch a web address or run a command on the computer of whoever opens the file.

:class:`FormulaSafeExportMixin` goes in front of Wagtail's ``SpreadsheetExportMixin`` (any
``ReportView`` or ``IndexView`` with ``list_export``): every text cell of every column is
written as text, in CSV behind a leading apostrophe (which spreadsheet programs hide), in XLSX
as a string cell marked to stay text when edited. Numbers, dates and empty cells are written as
they are.
"""

from wagtail.admin.views.mixins import SpreadsheetExportMixin

#: What a spreadsheet program reads as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """``value`` as a CSV cell a spreadsheet program reads as text: text that would start a
    formula gets a leading apostrophe; anything else is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class FormulaSafeExportMixin:
    """Write every text cell of a spreadsheet download as text, never as a formula.

    Put it before the Wagtail view in the bases (``class View(FormulaSafeExportMixin,
    ReportView)``): it works on each cell after the view's own preprocessing, so a column added
    later is covered too.
    """

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == SpreadsheetExportMixin.FORMAT_CSV:
            return neutralise_formula(value)
        return value

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        for cell in super().generate_xlsx_row(worksheet, row_dict, date_format=date_format):
            if isinstance(cell.value, str):
                # A string cell, never a formula; marked so that editing it keeps it text.
                cell.data_type = "s"
                if cell.value.startswith(FORMULA_STARTS):
                    cell.quotePrefix = True
            yield cell
