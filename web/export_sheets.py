"""The tables of a results download, in the reader's language: one overview, a sheet per round,
a sheet per neighbourhood and per age band, and one of the opinion groups. The CSV, XLSX and
ODS writers (web/exports.py) all write these same tables, so the formats never tell a different
story.

Values stay typed: numbers are numbers (a spreadsheet shows them with its own decimal sign) and
moments are Amsterdam time to the second, without a time zone (spreadsheets have none).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core import views
from core.i18n import N_, gettext_for, local_time
from core.labels import label
from core.views import ProjectResults, RoundResult
from core.views.opinions import OpinionSummary

Value = str | int | float | datetime | None


@dataclass
class Sheet:
    name: str
    header: list[str]
    rows: list[list[Value]] = field(default_factory=list)


def moment(value: datetime | str | None) -> datetime | None:
    """A stored moment (or its ISO text) as naive Amsterdam time without microseconds."""
    if value is None or value == "":
        return None
    found = datetime.fromisoformat(value) if isinstance(value, str) else value
    return local_time(found).replace(tzinfo=None)


class _Words:
    """Translation for one download: messages and the labels of stored values."""

    def __init__(self, language: str) -> None:
        self.catalog = gettext_for(language)

    def __call__(self, message: str) -> str:
        return self.catalog.gettext(message)

    def label(self, value: Any, group: str) -> str:
        return label(value, group, self.catalog)

    def yes(self, value: bool) -> str:
        return self(N_("yes")) if value else self(N_("no"))


def overview(results: ProjectResults, language: str) -> Sheet:
    """The project, when the file was made, residents per channel and every round."""
    _ = _Words(language)
    sheet = Sheet(
        _("Overview"),
        [_("Round"), _("Kind"), _("Question"), _("State"), _("Participants"), _("Started"),
         _("Finished")],
    )  # fmt: skip
    for rnd in results.rounds:
        sheet.rows.append([
            rnd.key, _.label(rnd.kind, "round_kind"), rnd.question,
            _.label(rnd.state, "round_state"), rnd.participants, rnd.started, rnd.finished,
        ])  # fmt: skip
    sheet.rows += [
        [],
        [_("Project"), results.code, results.title],
        [_("Made on"), moment(results.generated_at)],
        [_("Residents"), results.residents],
    ]
    for channel, n in results.residents_by_channel.items():
        sheet.rows.append(
            [_("Residents via %(channel)s") % {"channel": _.label(channel, "channel")}, n]
        )
    return sheet


def round_sheet(rnd: RoundResult, language: str) -> Sheet:
    """One round: its ideas, items with their scores, statements, or comments beside scores."""
    _ = _Words(language)
    if rnd.kind == "ideas":
        sheet = Sheet(rnd.key, [_("No."), _("Idea"), _("Status"), _("Submitted")])
        for idea in rnd.ideas:
            sheet.rows.append([idea["id"], idea["text"],
                               _.label(idea["status"], "contribution_status"),
                               moment(idea.get("created_at"))])  # fmt: skip
    elif rnd.kind == "rating":
        sheet = Sheet(rnd.key, [_("No."), _("Item")])
        for name in rnd.criteria or [_("score")]:
            sheet.header += [f"{name}: {word}" for word in _score_words(_)]
        sheet.header += [_("Supporters"), _("Original ideas")]
        for item in rnd.items:
            values: list[Value] = [item.item_id, item.text]
            for s in item.criteria:
                values += [s.n, s.mean, s.median, s.stdev, s.dissent, _.yes(s.divided)]
            sheet.rows.append([*values, item.supporters, item.ideas])
    elif rnd.kind == "statements":
        sheet = Sheet(rnd.key, [_("No."), _("Statement"), _("Votes"), _("Agree"),
                                _("Disagree"), _("Passed"), _("Supporters"),
                                _("Original ideas")])  # fmt: skip
        for item in rnd.items:
            sheet.rows.append([item.item_id, item.text, item.votes, item.agree, item.disagree,
                               item.passed, item.supporters, item.ideas])  # fmt: skip
    else:
        sheet = Sheet(rnd.key, [_("Score"), _("Comment")])
        scored = rnd.scored_comments or [(None, text) for text in rnd.comments]
        sheet.rows += [[score, text] for score, text in scored]
        if rnd.feedback is not None:
            sheet.rows += [[], [_("Score"), _("Residents")]]
            sheet.rows += [[score, n] for score, n in rnd.feedback.histogram.items()]
    return sheet


def _score_words(_: _Words) -> list[str]:
    return [_("number"), _("mean"), _("median"), _("standard deviation"), _("dissent"),
            _("divided")]  # fmt: skip


def breakdown_sheet(
    dimension: str, found: list[tuple[RoundResult, views.Breakdown]], language: str
) -> Sheet:
    """Scores per neighbourhood or age band, one row per round, group and item (long format,
    ready for a pivot table); groups under the minimum never appear."""
    _ = _Words(language)
    title = _("Per neighbourhood") if dimension == "wijk" else _("Per age band")
    group = _("Neighbourhood") if dimension == "wijk" else _("Age band")
    sheet = Sheet(title, [_("Round"), group, _("Residents"), _("Item"), _("Value"), _("Meaning")])
    for rnd, table in found:
        texts = {item.item_id: item.text for item in rnd.items}
        meaning = _("share agreeing") if rnd.kind == "statements" else _("mean score")
        sizes = dict(table.groups)
        for (name, item_id), value in sorted(table.cells.items()):
            text = texts.get(item_id, rnd.question) if item_id else rnd.question
            sheet.rows.append([rnd.key, name, sizes.get(name), text, value, meaning])
    return sheet


def opinion_sheet(found: list[tuple[RoundResult, OpinionSummary]], language: str) -> Sheet:
    """The opinion groups of every statements round: per group, the statements that set it
    apart (with the group's own shares) and the statements that divide the groups."""
    _ = _Words(language)
    sheet = Sheet(
        _("Opinion groups"),
        [_("Round"), _("Group"), _("Residents"), _("Statement"), _("Agree (%)"),
         _("Disagree (%)"), _("Meaning")],
    )  # fmt: skip
    for rnd, summary in found:
        for index, group in enumerate(summary.groups):
            for line in group.statements:
                meaning = (
                    _("agrees more often than the others")
                    if line.direction == "agree"
                    else _("disagrees more often than the others")
                )
                sheet.rows.append([rnd.key, group.name, group.size, line.text, line.agree_pct,
                                   line.disagree_pct, meaning])  # fmt: skip
            for line in summary.divisive:
                share = line.by_group[index] if index < len(line.by_group) else None
                sheet.rows.append([rnd.key, group.name, group.size, line.text, share, None,
                                   _("divides the groups")])  # fmt: skip
    return sheet


def workbook_sheets(
    results: ProjectResults,
    breakdowns: dict[str, list[tuple[RoundResult, views.Breakdown]]],
    language: str,
    opinions: list[tuple[RoundResult, OpinionSummary]] | None = None,
) -> list[Sheet]:
    """Every sheet of the workbook, named uniquely within a spreadsheet's limits."""
    sheets = [overview(results, language)]
    sheets += [round_sheet(rnd, language) for rnd in results.rounds]
    sheets += [breakdown_sheet(dim, found, language) for dim, found in breakdowns.items()]
    if opinions and any(summary.groups for _, summary in opinions):
        sheets.append(opinion_sheet(opinions, language))
    taken: set[str] = set()
    for sheet in sheets:
        sheet.name = _sheet_name(sheet.name, taken)
    return sheets


def _sheet_name(name: str, taken: set[str]) -> str:
    clean = "".join(ch for ch in name if ch not in "[]:*?/\\")[:28] or "-"
    base, n = clean, 2
    while clean.lower() in taken:
        clean, n = f"{base[:26]}-{n}", n + 1
    taken.add(clean.lower())
    return clean
