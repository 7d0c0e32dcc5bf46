"""Reading and writing Pol.is export folders."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from core.services.polis.files import (
    PolisFormatError,
    read_comments,
    read_conversation,
    read_votes,
)
from core.services.polis.writing import write_conversation

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "polis"
CONVERSATIONS = ("brexit-consensus", "scoop-hivemind.biodiversity")


def header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


VOTES_HEAD = "timestamp,datetime,comment-id,voter-id,vote\n"
COMMENTS_HEAD = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"


def test_a_bad_vote_value_names_file_line_and_column(tmp_path: Path) -> None:
    rows = "".join(f"{1000 + i},Mon,0,{i},1\n" for i in range(15)) + "1100,Mon,0,99,x\n"
    path = write(tmp_path / "votes.csv", VOTES_HEAD + rows)
    with pytest.raises(PolisFormatError) as error:
        read_votes(path)
    assert str(error.value) == 'votes.csv line 17, column "vote": expected 1, 0 or -1, got "x"'


def test_a_bad_timestamp_names_its_column(tmp_path: Path) -> None:
    path = write(tmp_path / "votes.csv", VOTES_HEAD + "soon,Mon,0,1,1\n")
    with pytest.raises(PolisFormatError, match='votes.csv line 2, column "timestamp"'):
        read_votes(path)


def test_a_missing_column_is_reported_on_the_header_line(tmp_path: Path) -> None:
    path = write(tmp_path / "votes.csv", "timestamp,datetime,comment-id,voter-id\n1,Mon,0,1\n")
    with pytest.raises(PolisFormatError, match='votes.csv line 1, column "vote": missing'):
        read_votes(path)


def test_a_short_row_names_the_first_missing_column(tmp_path: Path) -> None:
    path = write(tmp_path / "votes.csv", VOTES_HEAD + "1,Mon,0,1,1\n2,Mon,0\n")
    with pytest.raises(PolisFormatError, match='votes.csv line 3, column "voter-id"'):
        read_votes(path)


def test_line_numbers_count_multiline_comment_bodies(tmp_path: Path) -> None:
    body = '1,Mon,0,0,1,0,1,"two\nlines"\n2,Mon,1,0,1,0,maybe,"x"\n'
    path = write(tmp_path / "comments.csv", COMMENTS_HEAD + body)
    with pytest.raises(PolisFormatError) as error:
        read_comments(path)
    assert str(error.value).startswith('comments.csv line 4, column "moderated"')


def test_moderated_out_statements_are_excluded() -> None:
    conv = read_conversation(FIXTURES / "scoop-hivemind.biodiversity")
    assert len(conv.statements) == 154
    assert len(conv.moderated_out) == 162
    assert "6" not in conv.statement_ids
    assert "6" in conv.moderated_out_ids
    assert all(s.moderated != -1 for s in conv.statements)


def test_the_latest_vote_wins(tmp_path: Path) -> None:
    write(tmp_path / "comments.csv", COMMENTS_HEAD + "1,Mon,0,0,1,0,1,Trees\n")
    # Rows out of time order: the vote at time 30 is the latest, whatever the file order.
    write(tmp_path / "votes.csv", VOTES_HEAD + "30,Mon,0,7,-1\n10,Mon,0,7,1\n20,Mon,0,7,0\n")
    conv = read_conversation(tmp_path)
    assert conv.vote_triples() == [("7", "0", -1)]


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_import_then_export_keeps_the_latest_votes(name: str, tmp_path: Path) -> None:
    original = read_conversation(FIXTURES / name)
    write_conversation(tmp_path, original)
    again = read_conversation(tmp_path)
    assert again.vote_triples() == original.vote_triples()
    assert again.statement_ids == original.statement_ids
    assert again.moderated_out_ids == original.moderated_out_ids
    assert [s.text for s in again.statements] == [s.text for s in original.statements]


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_exported_files_have_polis_headers(name: str, tmp_path: Path) -> None:
    original = read_conversation(FIXTURES / name)
    groups = {v.voter_id: 0 for v in original.votes}
    write_conversation(tmp_path, original, groups)
    for file in ("comments.csv", "votes.csv", "participants-votes.csv"):
        assert header(tmp_path / file) == header(FIXTURES / name / file), file
    with (tmp_path / "summary.csv").open(newline="", encoding="utf-8") as handle:
        written = [row[0] for row in csv.reader(handle)]
    with (FIXTURES / name / "summary.csv").open(newline="", encoding="utf-8") as handle:
        assert written == [row[0] for row in csv.reader(handle)]


def test_participants_votes_export_matches_polis_cells(tmp_path: Path) -> None:
    source = FIXTURES / "brexit-consensus"
    original = read_conversation(source)
    write_conversation(tmp_path, original)
    with (source / "participants-votes.csv").open(newline="", encoding="utf-8") as handle:
        theirs = {row[0]: row[2:] for row in csv.reader(handle)}
    with (tmp_path / "participants-votes.csv").open(newline="", encoding="utf-8") as handle:
        ours = {row[0]: row[2:] for row in csv.reader(handle)}
    assert ours == theirs


def test_a_folder_without_summary_still_reads(tmp_path: Path) -> None:
    for file in ("comments.csv", "votes.csv"):
        shutil.copy(FIXTURES / "brexit-consensus" / file, tmp_path / file)
    assert len(read_conversation(tmp_path).votes) == 5303


NEWER_COMMENTS_HEAD = (
    "timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,is-seed,"
    "group-informed-consensus,comment-body\n"
)


def test_comments_of_newer_polis_exports_read_without_datetime(tmp_path: Path) -> None:
    body = "1726860676783,2,0,57,0,1,false,true,0.68,Keep the southern hospitality\n"
    path = write(tmp_path / "comments.csv", NEWER_COMMENTS_HEAD + body)
    [statement] = read_comments(path)
    assert (statement.id, statement.text, statement.moderated) == (
        "2",
        "Keep the southern hospitality",
        1,
    )
    assert statement.agrees == 57 and statement.datetime == ""


def test_an_unknown_comments_column_is_still_refused(tmp_path: Path) -> None:
    head = COMMENTS_HEAD.rstrip("\n") + ",colour\n"
    path = write(tmp_path / "comments.csv", head + "1,Mon,0,0,1,0,1,x,red\n")
    with pytest.raises(PolisFormatError, match='comments.csv line 1, column "colour"'):
        read_comments(path)
