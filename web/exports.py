"""Downloads of a project's results: CSV (Dutch Excel or RFC 4180), XLSX and ODS.

CSV comes in two dialects. ``excel`` is what Dutch Excel opens in columns with a double click:
semicolons, UTF-8 with a byte-order mark, decimal commas. ``rfc4180`` is the plain standard:
commas, CRLF, UTF-8 without a mark, decimal points. Headers and labels are in the reader's
language either way. The workbooks (web/export_sheets.py) hold the same figures as typed cells.

Text from residents never becomes a spreadsheet formula in any format: CSV text cells pass
through :func:`core.spreadsheet_safety.neutralise`; XLSX and ODS store every text as a string
cell, which a spreadsheet never evaluates.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

from babel.numbers import format_decimal
from odf.config import (
    ConfigItem,
    ConfigItemMapEntry,
    ConfigItemMapIndexed,
    ConfigItemMapNamed,
    ConfigItemSet,
)
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style, TableColumnProperties
from odf.table import Table, TableCell, TableColumn, TableHeaderRows, TableRow
from odf.text import P
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.i18n import N_, gettext_for
from core.labels import label
from core.spreadsheet_safety import neutralise_dict
from core.views import ProjectResults
from web.export_sheets import Sheet, moment

DIALECTS = ("excel", "rfc4180")
CSV_COLUMNS = [
    "round", "kind", "item_id", "text", "criterion", "n", "mean", "median", "stdev",
    "dissent", "agree", "disagree", "pass", "status", "supporters", "ideas",
]  # fmt: skip
# The column headers in the reader's language (the English ones are the column keys).
CSV_HEADERS = {
    "round": N_("round"), "kind": N_("kind"), "item_id": N_("item_id"), "text": N_("text"),
    "criterion": N_("criterion"), "n": N_("n"), "mean": N_("mean"), "median": N_("median"),
    "stdev": N_("stdev"), "dissent": N_("dissent"), "agree": N_("agree"),
    "disagree": N_("disagree"), "pass": N_("pass"), "status": N_("status"),
    "supporters": N_("supporters"), "ideas": N_("original ideas"),
}  # fmt: skip
DATE_FORMAT = "dd-mm-yyyy hh:mm"


class _CsvWriter:
    """Rows of typed values as CSV text in one dialect; text cells are neutralised first."""

    def __init__(self, dialect: str) -> None:
        self.excel = dialect != "rfc4180"
        self.buffer = io.StringIO()
        delimiter = ";" if self.excel else ","
        self.writer = csv.writer(self.buffer, delimiter=delimiter, lineterminator="\r\n")

    def row(self, values: Mapping[str, Any], columns: list[str]) -> None:
        safe = neutralise_dict(values)
        self.writer.writerow([self._cell(safe.get(name)) for name in columns])

    def _cell(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and self.excel:
            return format_decimal(value, format="0.######", locale="nl")
        return str(value)

    def text(self) -> str:
        return ("\ufeff" if self.excel else "") + self.buffer.getvalue()


def results_csv(results: ProjectResults, language: str = "en", dialect: str = "rfc4180") -> str:
    """One row per idea, per item and criterion, per statement, and per feedback comment."""
    catalog = gettext_for(language)
    out = _CsvWriter(dialect)
    out.writer.writerow([catalog.gettext(CSV_HEADERS[name]) for name in CSV_COLUMNS])
    for rnd in results.rounds:
        base = {"round": rnd.key, "kind": label(rnd.kind, "round_kind", catalog)}
        for row in _round_rows(rnd):
            if "status" in row:
                row["status"] = label(row["status"], "contribution_status", catalog)
            out.row({**base, **row}, CSV_COLUMNS)
    return out.text()


def _round_rows(rnd: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"item_id": idea["id"], "text": idea["text"], "status": idea["status"]}
        for idea in rnd.ideas
    ]
    for item in rnd.items:
        backing = {"supporters": item.supporters, "ideas": item.ideas}
        if rnd.kind == "rating":
            names = rnd.criteria or [""]
            rows += [
                {"item_id": item.item_id, "text": item.text, "criterion": name, "n": s.n,
                 "mean": s.mean, "median": s.median, "stdev": s.stdev, "dissent": s.dissent,
                 **backing}
                for name, s in zip(names, item.criteria, strict=True)
            ]  # fmt: skip
        else:
            rows.append({"item_id": item.item_id, "text": item.text, "n": item.votes,
                         "agree": item.agree, "disagree": item.disagree,
                         "pass": item.passed, **backing})  # fmt: skip
    if rnd.feedback is not None:
        fb = rnd.feedback
        rows.append({"text": rnd.question, "n": fb.n, "mean": fb.mean, "median": fb.median,
                     "stdev": fb.stdev, "dissent": fb.dissent})  # fmt: skip
        rows += [{"text": comment} for comment in rnd.comments]
    return rows


AUDIT_COLUMNS = [
    "id", "created_at", "actor", "user_id", "action", "description", "project", "target",
    "detail",
]  # fmt: skip
AUDIT_HEADERS = {
    "id": N_("id"), "created_at": N_("created_at"), "actor": N_("actor"),
    "user_id": N_("user_id"), "action": N_("action"), "description": N_("description"),
    "project": N_("project"), "target": N_("target"), "detail": N_("detail"),
}  # fmt: skip


def audit_csv(
    rows: list[dict[str, Any]],
    actions: Mapping[str, str],
    language: str = "en",
    dialect: str = "rfc4180",
) -> str:
    """The audit log as CSV: one row per entry in Amsterdam time, its action as a key and in
    words, its detail as JSON (ids and keys only)."""
    catalog = gettext_for(language)
    out = _CsvWriter(dialect)
    out.writer.writerow([catalog.gettext(AUDIT_HEADERS[name]) for name in AUDIT_COLUMNS])
    for row in rows:
        action = row.get("action") or ""
        out.row({
            **row,
            "created_at": moment(row.get("created_at")),
            "description": catalog.gettext(actions[action]) if action in actions else "",
            "project": row.get("project") or "",
            "detail": json.dumps(row.get("detail") or {}, ensure_ascii=False, sort_keys=True),
        }, AUDIT_COLUMNS)  # fmt: skip
    return out.text()


def _width(values: list[Any]) -> int:
    """A column's width in characters: its longest value, within sensible bounds."""
    longest = max((16 if hasattr(v, "year") else len(str(v)) for v in values if v is not None),
                  default=8)  # fmt: skip
    return min(max(longest + 2, 8), 60)


def _columns(sheet: Sheet) -> list[list[Any]]:
    count = max([len(sheet.header)] + [len(row) for row in sheet.rows])
    rows = [sheet.header, *sheet.rows]
    return [[row[i] if i < len(row) else None for row in rows] for i in range(count)]


def results_workbook(sheets: list[Sheet]) -> bytes:
    """The sheets as an XLSX workbook: bold frozen header, widths, real dates."""
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(sheet.name)
        bold = Font(bold=True)
        for r, values in enumerate([sheet.header, *sheet.rows], start=1):
            for c, value in enumerate(values, start=1):
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text: "=..." is never a formula
                elif hasattr(value, "year"):
                    cell.number_format = DATE_FORMAT
                if r == 1:
                    cell.font = bold
        ws.freeze_panes = "A2"
        for i, column in enumerate(_columns(sheet), start=1):
            ws.column_dimensions[get_column_letter(i)].width = _width(column)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def results_ods(sheets: list[Sheet]) -> bytes:
    """The sheets as an OpenDocument spreadsheet: header rows, widths, typed cells."""
    doc = OpenDocumentSpreadsheet()
    for n, sheet in enumerate(sheets):
        table = Table(name=sheet.name)
        for i, column in enumerate(_columns(sheet)):
            style = Style(name=f"co{n}-{i}", family="table-column")
            width = f"{_width(column) * 0.21:.2f}cm"
            style.addElement(TableColumnProperties(columnwidth=width))
            doc.automaticstyles.addElement(style)
            table.addElement(TableColumn(stylename=style))
        header = TableHeaderRows()
        header.addElement(_ods_row(sheet.header))
        table.addElement(header)
        for values in sheet.rows:
            table.addElement(_ods_row(values))
        doc.spreadsheet.addElement(table)
    doc.settings.addElement(_frozen_header([sheet.name for sheet in sheets]))
    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()


def _frozen_header(names: list[str]) -> ConfigItemSet:
    """View settings that freeze each sheet's first row, as LibreOffice writes them (ODS has no
    element for it: spreadsheets keep it in settings.xml, read by LibreOffice and Excel)."""

    def item(name: str, kind: str, value: int) -> ConfigItem:
        return ConfigItem(name=name, type=kind, text=str(value))

    tables = ConfigItemMapNamed(name="Tables")
    for name in names:
        entry = ConfigItemMapEntry(name=name)
        for key, kind, value in (
            ("HorizontalSplitMode", "short", 0), ("VerticalSplitMode", "short", 2),
            ("HorizontalSplitPosition", "int", 0), ("VerticalSplitPosition", "int", 1),
            ("ActiveSplitRange", "short", 2), ("PositionLeft", "int", 0),
            ("PositionRight", "int", 0), ("PositionTop", "int", 0), ("PositionBottom", "int", 1),
        ):  # fmt: skip
            entry.addElement(item(key, kind, value))
        tables.addElement(entry)
    view = ConfigItemMapEntry()
    view.addElement(ConfigItem(name="ViewId", type="string", text="view1"))
    view.addElement(tables)
    views = ConfigItemMapIndexed(name="Views")
    views.addElement(view)
    settings = ConfigItemSet(name="ooo:view-settings")
    settings.addElement(views)
    return settings


def _ods_row(values: list[Any]) -> TableRow:
    row = TableRow()
    for value in values:
        row.addElement(_ods_cell(value))
    return row


def _ods_cell(value: Any) -> TableCell:
    """A typed cell; text is a string cell (never a formula: ODS has no formula without one)."""
    if value is None:
        return TableCell()
    if isinstance(value, bool):
        value = str(value)
    if hasattr(value, "year"):
        cell = TableCell(valuetype="date", datevalue=value.isoformat())
        cell.addElement(P(text=value.strftime("%d-%m-%Y %H:%M")))
    elif isinstance(value, int | float):
        cell = TableCell(valuetype="float", value=value)
        cell.addElement(P(text=str(value)))
    else:
        cell = TableCell(valuetype="string")
        cell.addElement(P(text=str(value)))
    return cell
