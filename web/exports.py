"""Downloads of a project's results: a CSV file, and an XLSX workbook with a summary sheet and a
sheet per round. Text from residents never becomes a spreadsheet formula in either."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from core.spreadsheet_safety import neutralise_dict
from core.views import ProjectResults, RoundResult

CSV_COLUMNS = [
    "round", "kind", "item_id", "text", "criterion", "n", "mean", "median", "stdev",
    "dissent", "agree", "disagree", "pass", "status",
]  # fmt: skip


class _SafeDictWriter(csv.DictWriter):  # type: ignore[type-arg]
    """A DictWriter whose text cells can never become spreadsheet formulas."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow(neutralise_dict(rowdict))


def results_csv(results: ProjectResults) -> str:
    """One row per idea, per item and criterion, per statement, and per feedback comment."""
    buffer = io.StringIO()
    writer = _SafeDictWriter(buffer, CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for rnd in results.rounds:
        base = {"round": rnd.key, "kind": rnd.kind}
        for idea in rnd.ideas:
            writer.writerow({**base, "item_id": idea["id"], "text": idea["text"],
                             "status": idea["status"]})  # fmt: skip
        for item in rnd.items:
            if rnd.kind == "rating":
                names = rnd.criteria or [""]
                for name, stats in zip(names, item.criteria, strict=True):
                    writer.writerow({
                        **base, "item_id": item.item_id, "text": item.text, "criterion": name,
                        "n": stats.n, "mean": stats.mean, "median": stats.median,
                        "stdev": stats.stdev, "dissent": stats.dissent,
                    })  # fmt: skip
            else:
                writer.writerow({**base, "item_id": item.item_id, "text": item.text,
                                 "n": item.votes, "agree": item.agree,
                                 "disagree": item.disagree, "pass": item.passed})  # fmt: skip
        if rnd.feedback is not None:
            fb = rnd.feedback
            writer.writerow({**base, "text": rnd.question, "n": fb.n, "mean": fb.mean,
                             "median": fb.median, "stdev": fb.stdev,
                             "dissent": fb.dissent})  # fmt: skip
            for comment in rnd.comments:
                writer.writerow({**base, "text": comment})
    return buffer.getvalue()


AUDIT_COLUMNS = ["id", "created_at", "actor", "user_id", "action", "project", "target", "detail"]


def audit_csv(rows: list[dict[str, Any]]) -> str:
    """The audit log as CSV: one row per entry, its detail as JSON (ids and keys only)."""
    buffer = io.StringIO()
    writer = _SafeDictWriter(buffer, AUDIT_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        created = row.get("created_at")
        writer.writerow({
            **row,
            "created_at": created.isoformat() if created is not None else "",
            "project": row.get("project") or "",
            "detail": json.dumps(row.get("detail") or {}, ensure_ascii=False, sort_keys=True),
        })  # fmt: skip
    return buffer.getvalue()


def _row(sheet: Worksheet, values: list[Any]) -> None:
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # text stays text: "=..." from a resident is never a formula


def _sheet_name(rnd: RoundResult, taken: set[str]) -> str:
    name = "".join(ch for ch in rnd.key if ch not in "[]:*?/\\")[:28] or "round"
    base, n = name, 2
    while name.lower() in taken:
        name, n = f"{base[:26]}-{n}", n + 1
    taken.add(name.lower())
    return name


def results_workbook(results: ProjectResults) -> bytes:
    """Every round of a project as a workbook (aggregates and texts, no personal data)."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "summary"
    _row(summary, ["project", results.code, results.title])
    _row(summary, ["generated_at", results.generated_at.isoformat()])
    _row(summary, ["residents", results.residents])
    for channel, n in results.residents_by_channel.items():
        _row(summary, [f"residents via {channel}", n])
    _row(summary, [])
    _row(summary, ["round", "kind", "question", "state", "participants", "started", "finished"])
    for rnd in results.rounds:
        _row(summary, [rnd.key, rnd.kind, rnd.question, rnd.state, rnd.participants,
                       rnd.started, rnd.finished])  # fmt: skip
    taken = {"summary"}
    for rnd in results.rounds:
        _round_sheet(book.create_sheet(_sheet_name(rnd, taken)), rnd)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _round_sheet(sheet: Worksheet, rnd: RoundResult) -> None:
    """One round's sheet: its ideas, items, statements or feedback."""
    _row(sheet, [rnd.question or rnd.key])
    if rnd.kind == "ideas":
        _row(sheet, ["id", "idea", "status", "created_at"])
        for idea in rnd.ideas:
            _row(sheet, [idea["id"], idea["text"], idea["status"], idea["created_at"]])
    elif rnd.kind == "rating":
        header = ["id", "item"]
        for name in rnd.criteria or ["score"]:
            header += [f"{name} n", f"{name} mean", f"{name} median", f"{name} stdev",
                       f"{name} dissent", f"{name} divided"]  # fmt: skip
        _row(sheet, header)
        for item in rnd.items:
            values: list[Any] = [item.item_id, item.text]
            for s in item.criteria:
                values += [s.n, s.mean, s.median, s.stdev, s.dissent, s.divided]
            _row(sheet, values)
    elif rnd.kind == "statements":
        _row(sheet, ["id", "statement", "votes", "agree", "disagree", "pass"])
        for item in rnd.items:
            _row(sheet, [item.item_id, item.text, item.votes, item.agree, item.disagree,
                         item.passed])  # fmt: skip
    else:
        fb = rnd.feedback
        if fb is not None:
            _row(sheet, ["n", "mean", "median", "stdev"])
            _row(sheet, [fb.n, fb.mean, fb.median, fb.stdev])
            _row(sheet, ["score", "residents"])
            for score, n in fb.histogram.items():
                _row(sheet, [score, n])
        _row(sheet, ["comment"])
        for comment in rnd.comments:
            _row(sheet, [comment])
