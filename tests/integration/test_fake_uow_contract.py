"""The fake unit of work keeps its word: the same assertions on the fake (``tests/fakes/uow.py``)
and on the real unit of work over SQLite (and PostgreSQL when configured)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from core.domain import model
from core.domain.accounts import Role, User
from core.storage import tables as t
from core.storage.database import Database
from core.storage.db import create_all, create_engine
from core.storage.uow import UnitOfWork
from tests.conftest import POSTGRES_URL, _reset_postgres, database_params
from tests.factories import TestClock
from tests.fakes.uow import FakeDatabase

Units = Callable[[], Any]  # a UnitOfWork or a FakeUnitOfWork, made afresh


@pytest.fixture(params=[pytest.param("fake", id="fake"), *database_params()])
async def units(
    request: pytest.FixtureRequest, tmp_path, clock: TestClock
) -> AsyncIterator[Units]:
    if request.param == "fake":
        yield FakeDatabase(clock).uow
        return
    url = f"sqlite+aiosqlite:///{tmp_path}/contract.db"
    if request.param == "postgres":
        assert POSTGRES_URL
        url = POSTGRES_URL
        await _reset_postgres(url)
    database = Database(create_engine(url))
    await create_all(database.engine)
    try:
        yield lambda: UnitOfWork(database, clock)
    finally:
        await database.dispose()


async def project_with_rounds(units: Units) -> tuple[int, list[int]]:
    """Project P with rounds listed out of order: b (position 1), a (0), c (1)."""
    kinds = model.RoundKind
    async with units() as uow:
        org = await uow.projects.organisation("gemeente-a", "Gemeente A")
        project_id = await uow.projects.add(model.Project("P", "Project", org))
        ids = [
            await uow.projects.add_round(model.Round(project_id, key, kind, position))
            for key, kind, position in (
                ("b", kinds.RATING, 1),
                ("a", kinds.IDEAS, 0),
                ("c", kinds.STATEMENTS, 1),
            )
        ]
        await uow.commit()
    return project_id, ids


async def test_projects_rounds_and_items(units: Units):
    project_id, (b, a, c) = await project_with_rounds(units)
    async with units() as uow:
        assert await uow.projects.organisation("gemeente-a") == 1
        assert await uow.projects.organisation_name(1) == "Gemeente A"
        assert await uow.projects.organisation_slug(1) == "gemeente-a"
        project = await uow.projects.by_code("P")
        project.title = "changed, not written"
        assert (await uow.projects.get(project_id)).title == "Project"
        assert [r.key for r in await uow.projects.rounds(project_id)] == ["a", "b", "c"]
        first = await uow.projects.add_item(model.Item(c, "Stelling", 0))
        await uow.projects.add_item_for_idea(b, 5, "Idee")
        await uow.projects.add_item_for_idea(b, 5, "Idee again")
        (for_idea,) = await uow.projects.items(b)
        await uow.projects.set_item_active(for_idea.id, False, text="Idee!")
        assert await uow.projects.items(b) == []
        assert [(i.text, i.active) for i in await uow.projects.items(b, False)] == [
            ("Idee!", False)
        ]
        item, rnd = await uow.projects.item_and_round(first)
        assert (item.text, rnd.key, rnd.kind) == ("Stelling", "c", model.RoundKind.STATEMENTS)
        assert await uow.projects.item_and_round(first + 100) is None
        assert await uow.projects.count() == 1


async def test_a_duplicate_key_is_an_integrity_error(units: Units):
    await project_with_rounds(units)
    async with units() as uow:
        with pytest.raises(sa.exc.IntegrityError):
            await uow.projects.add(model.Project("P", "Again", 1))


async def test_what_is_not_committed_is_gone(units: Units):
    project_id, _ = await project_with_rounds(units)
    async with units() as uow:
        project = await uow.projects.get(project_id)
        project.title = "Nieuw"
        await uow.projects.update(project)
        assert (await uow.projects.get(project_id)).title == "Nieuw"  # seen inside
    async with units() as uow:
        assert (await uow.projects.get(project_id)).title == "Project"
        await uow.projects.add(model.Project("Q", "Q", 1))
        await uow.rollback()
        assert await uow.projects.count() == 1


async def residents(units: Units, project_id: int, *pseudonyms: str) -> list[int]:
    async with units() as uow:
        ids = []
        for pseudonym in pseudonyms:
            resident = model.Resident(pseudonym, project_id, "web", uow.clock())
            ids.append(await uow.residents.add(resident))
        await uow.commit()
    return ids


async def test_residents_change_status_only_from_the_given_one(units: Units):
    project_id, _ = await project_with_rounds(units)
    async with units() as uow:
        other = await uow.projects.add(model.Project("Q", "Q", 1))
        await uow.commit()
    one, two = await residents(units, project_id, "x", "y")
    (three,) = await residents(units, other, "x")
    async with units() as uow:
        await uow.residents.update(three, status="stopped", wijk="Noord")
        await uow.residents.change_status("x", "active", "blocked")
        found = {r.id: r for r in await uow.residents.for_pseudonym("x")}
        assert (found[one].status, found[three].status) == (
            model.ResidentStatus.BLOCKED,
            model.ResidentStatus.STOPPED,
        )
        assert found[three].wijk == "Noord"
        await uow.residents.update_pseudonym("x", language="en")
        assert (await uow.residents.get("x", other)).language == "en"
        assert (await uow.residents.by_id(two)).language == "nl"
        with pytest.raises(sa.exc.IntegrityError):
            await uow.residents.add(model.Resident("y", project_id, "web", uow.clock()))


async def test_answers_keep_one_row_per_key_and_progress_keeps_the_first_time(units: Units):
    project_id, (b, a, c) = await project_with_rounds(units)
    (rid,) = await residents(units, project_id, "x")
    async with units() as uow:
        now = uow.clock()
        item = await uow.projects.add_item(model.Item(c, "S"))
        rated = await uow.projects.add_item(model.Item(b, "R"))
        for value in (1, -1):
            await uow.contributions.upsert_vote(
                model.Vote(c, item, rid, model.VoteValue(value), now)
            )
        for score in (4, 2):
            await uow.contributions.upsert_rating(model.Rating(b, rated, rid, 0, score, now))
        await uow.contributions.upsert_rating(model.Rating(b, rated, rid, 1, 5, now))
        for text in ("eerst", "later"):
            await uow.contributions.upsert_feedback(model.Feedback(a, rid, 3, text))
        rounds = {r.id: r for r in await uow.projects.rounds(project_id)}
        assert await uow.contributions.answered_count(rounds[c], rid) == 1
        assert await uow.contributions.answered_count(rounds[b], rid) == 1
        assert (await uow.contributions.feedback_of(a, rid)).text == "later"
        later = now + timedelta(hours=1)
        await uow.contributions.mark_progress(b, rid, "started_at", now)
        await uow.contributions.mark_progress(b, rid, "started_at", later)
        await uow.contributions.mark_progress(b, rid, "prompted_at", later)
        await uow.contributions.mark_progress(b, rid, "prompted_at", now, overwrite=True)
        progress = (await uow.contributions.progress(rid))[b]
        assert (progress.started_at, progress.prompted_at, progress.finished_at) == (
            now,
            now,
            None,
        )


async def ideas(units: Units, round_id: int, rid: int, *texts: str) -> list[int]:
    async with units() as uow:
        ids = []
        for text in texts:
            idea = model.Idea(round_id, rid, text, model.ContributionStatus.APPROVED)
            ids.append(await uow.contributions.add_idea(idea))
        await uow.commit()
    return ids


async def test_moderation_rows_merges_and_themes(units: Units):
    project_id, (b, a, c) = await project_with_rounds(units)
    one, two = await residents(units, project_id, "x", "y")
    source, target = await ideas(units, a, one, "Bankjes", "Zitplekken")
    async with units() as uow:
        row = await uow.moderation.contribution("idea", source)
        assert {k: v for k, v in row.items() if k != "created_at"} == {
            "id": source,
            "round_id": a,
            "resident_id": one,
            "text": "Bankjes",
            "status": "approved",
            "project_id": project_id,
            "flags": [],
            "wording": None,
            "source": None,
        }
        assert await uow.moderation.contribution("feedback", 1) is None
        for idea, text in ((source, "Bankjes"), (target, "Zitplekken")):
            await uow.projects.add_item_for_idea(b, idea, text)
        from_item = await uow.moderation.item_for_idea(b, source)
        to_item = await uow.moderation.item_for_idea(b, target)
        for rid, item, score in ((one, from_item, 5), (one, to_item, 2), (two, from_item, 4)):
            await uow.contributions.upsert_rating(model.Rating(b, item, rid, 0, score))
        assert await uow.moderation.move_ratings(from_item, to_item) == 1
        await uow.moderation.set_themes(source, ["groen", "bankjes"])
        await uow.moderation.set_themes(target, ["groen"])
        await uow.moderation.record_merge(source, target)
        await uow.moderation.set_text("idea", target, "Meer zitplekken")
        await uow.moderation.set_status("idea", source, "merged")
        assert (await uow.moderation.idea(source)).status == model.ContributionStatus.MERGED
        assert [i.text for i in await uow.projects.items(b)] == ["Bankjes", "Meer zitplekken"]
        await uow.moderation.set_idea_items_active(source, False)
        assert [i.idea_id for i in await uow.projects.items(b)] == [target]
        assert await uow.contributions.ideas_of_round(a, approved_only=False) == [
            await uow.moderation.idea(target)
        ]
        assert await stored_ratings(uow) == {(one, to_item, 2), (two, to_item, 4)}


async def stored_ratings(uow: Any) -> set[tuple[int, int, int]]:
    """The rating rows as stored: (resident, item, score); no repository reads them back."""
    if isinstance(uow, UnitOfWork):
        rows = await uow.conn.execute(sa.select(t.ratings))
        return {(r.resident_id, r.item_id, r.score) for r in rows}
    return {(r.resident_id, r.item_id, r.score) for r in uow.tables.ratings.values()}


async def test_forgetting_a_pseudonym_erases_it_everywhere(units: Units):
    project_id, (b, a, c) = await project_with_rounds(units)
    gone, kept = await residents(units, project_id, "x", "y")
    (idea,) = await ideas(units, a, gone, "Bankjes")
    async with units() as uow:
        now = uow.clock()
        await uow.projects.add_item_for_idea(b, idea, "Bankjes")
        item = await uow.moderation.item_for_idea(b, idea)
        await uow.contributions.upsert_rating(model.Rating(b, item, kept, 0, 3))
        await uow.residents.save_contact("x", "web", "adres", now)
        await uow.dialogue.save("x", "web", {"step": "menu"}, now)
        await uow.dialogue.log("x", True, "Hallo", [], now)
        await uow.contributions.mark_progress(a, gone, "started_at", now)
        assert await uow.residents.forget("x") == 1
        assert await uow.residents.for_pseudonym("x") == []
        assert await uow.moderation.idea(idea) is None
        assert await uow.moderation.item_for_idea(b, idea) is None
        assert await stored_ratings(uow) == set()  # ratings of a forgotten idea go with it
        assert await uow.dialogue.load("x") is None
        assert await uow.dialogue.history("x") == []
        assert await uow.contributions.progress(gone) == {}
        assert (await uow.residents.by_id(kept)).pseudonym == "y"


async def test_dialogue_state_message_claims_and_history(units: Units):
    async with units() as uow:
        now = uow.clock()
        assert await uow.dialogue.load("x") is None
        await uow.dialogue.save("x", "web", {"step": "menu", "data": [1]}, now)
        await uow.dialogue.save("x", "web", {"step": "idea"}, now)
        assert await uow.dialogue.load("x", lock=True) == {"step": "idea"}
        assert await uow.dialogue.claim_message("telegram", "1:2", now) is True
        assert await uow.dialogue.claim_message("telegram", "1:2", now) is False
        assert await uow.dialogue.claim_message("whatsapp", "1:2", now) is True
        for n in range(4):
            await uow.dialogue.log("x", n % 2 == 1, f"bericht {n}", [["a"]] if n else [], now)
        history = await uow.dialogue.history("x", limit=3)
        assert [(h["text"], h["outgoing"], h["options"]) for h in history] == [
            ("bericht 1", True, [["a"]]),
            ("bericht 2", False, [["a"]]),
            ("bericht 3", True, [["a"]]),
        ]
        lines = [(False, "ja", []), (True, "Dank je!", [{"label": "1", "data": "x"}])]
        await uow.dialogue.log_many("x", lines, now)
        await uow.dialogue.log_many("x", [], now)
        history = await uow.dialogue.history("x", limit=2)
        assert [(h["outgoing"], h["text"], h["options"]) for h in history] == [
            (False, "ja", []),
            (True, "Dank je!", [{"label": "1", "data": "x"}]),
        ]


async def test_accounts_sessions_failures_and_tokens(units: Units):
    async with units() as uow:
        now = uow.clock()
        org = await uow.projects.organisation("gemeente-a")
        user = User("a@b.nl", Role.VIEWER, org, created_at=now)
        uid = await uow.accounts.add_user(user, "hash-1")
        assert user.id == uid
        with pytest.raises(sa.exc.IntegrityError):
            await uow.accounts.add_user(User("a@b.nl", Role.ADMIN), "hash-2")
    async with units() as uow:
        uid = await uow.accounts.add_user(User("a@b.nl", Role.VIEWER, None, created_at=now), "h")
        await uow.accounts.update_user(uid, password_hash="h2", must_change_password=False)
        found, password_hash = await uow.accounts.by_email("a@b.nl")
        assert (found.role, found.must_change_password, password_hash) == (
            Role.VIEWER,
            False,
            "h2",
        )
        assert (await uow.accounts.by_id(uid))[0].email == "a@b.nl"
        assert [u.email for u in await uow.accounts.all()] == ["a@b.nl"]
        hour = timedelta(hours=1)
        await uow.accounts.add_session("s1", uid, "csrf1", now, now + hour)
        await uow.accounts.add_session("s2", uid, "csrf2", now, now + 2 * hour)
        assert (await uow.accounts.session("s1", now))[1] == "csrf1"
        assert await uow.accounts.session("s1", now + hour) is None
        await uow.accounts.delete_sessions(before=now + hour)
        await uow.accounts.delete_sessions(user_id=uid, except_hash="s2")
        assert await uow.accounts.session("s2", now) is not None
        for minutes in (0, 10, 20):
            await uow.accounts.add_failure("a@b.nl", "ip", now + timedelta(minutes=minutes))
        await uow.accounts.add_failure("a@b.nl", "other", now)
        assert await uow.accounts.failures("a@b.nl", "ip", now) == 2
        latest = now + timedelta(minutes=20)
        assert await uow.accounts.account_failures("a@b.nl", now - hour) == (4, latest)
        assert await uow.accounts.account_failures("a@b.nl", now) == (2, latest)
        assert await uow.accounts.account_failures("x@b.nl", now - hour) == (0, None)
        await uow.accounts.clear_failures("a@b.nl", "ip", now)
        assert await uow.accounts.failures("a@b.nl", "ip", now - hour) == 0
        assert await uow.accounts.failures("a@b.nl", "other", now - hour) == 0  # too old
        await uow.accounts.add_token(uid, "t1", now)
        await uow.accounts.add_token(uid, "t2", now + hour)
        listed = await uow.accounts.tokens(uid)
        assert [t["last_used_at"] for t in listed] == [None, None]
        assert listed[0]["created_at"] == now + hour  # newest first
        assert (await uow.accounts.token_user("t1", now + hour)).email == "a@b.nl"
        assert (await uow.accounts.tokens(uid))[1]["last_used_at"] == now + hour
        assert await uow.accounts.delete_token(uid + 1, listed[0]["id"]) is False
        assert await uow.accounts.delete_token(uid, listed[0]["id"]) is True
        assert await uow.accounts.token_user("t2", now) is None


async def test_bots_lookups_and_one_default(units: Units):
    async with units() as uow:
        first = await uow.bots.add(model.Bot(1, "Eerste_Bot", is_default=True))
        second = await uow.bots.add(model.Bot(2, "tweede_bot", active=False))
        with pytest.raises(sa.exc.IntegrityError):
            await uow.bots.add(model.Bot(2, "dubbel"))
    async with units() as uow:
        first = await uow.bots.add(model.Bot(1, "Eerste_Bot", is_default=True))
        second = await uow.bots.add(model.Bot(2, "tweede_bot", active=False))
        assert [b.id for b in await uow.bots.all()] == [first]
        assert [b.id for b in await uow.bots.all(active_only=False)] == [first, second]
        assert (await uow.bots.by_username("@eerste_bot")).id == first
        assert (await uow.bots.by_telegram_id(2)).username == "tweede_bot"
        await uow.bots.update(second, is_default=True, active=True, username="twee")
        await uow.bots.clear_default(except_id=second)
        defaults = [b.id for b in await uow.bots.all() if b.is_default]
        assert defaults == [second]
        assert await uow.bots.get(second + 1) is None


async def test_organisation_privacy_settings_and_audit_entries(units: Units):
    from core.domain.audit import AuditEntry

    async with units() as uow:
        org = await uow.projects.organisation("gemeente-a", "Gemeente A")
        found = await uow.projects.organisation_by_slug("gemeente-a")
        assert (found.id, found.privacy_contact, found.privacy_text) == (org, "", "")
        await uow.projects.set_privacy(org, "fg@a.nl", "Tekst")
        assert await uow.projects.organisation_by_slug("nergens") is None
        entry = AuditEntry("export", 1, "a@a.nl", org, None, "audit.csv", {}, uow.clock())
        assert await uow.audit.add(entry) == 1 and entry.id == 1
        await uow.commit()
    async with units() as uow:
        found = await uow.projects.organisation_by_slug("gemeente-a")
        assert (found.privacy_contact, found.privacy_text) == ("fg@a.nl", "Tekst")


async def test_residents_and_ideas_added_in_bulk_get_their_ids_in_order(units: Units, clock):
    async with units() as uow:
        org = await uow.projects.organisation("gemeente-bulk")
        project = await uow.projects.add(model.Project("BULK", "Bulk", org))
        rnd = await uow.projects.add_round(model.Round(project, "ideeen", model.RoundKind.IDEAS))
        people = [
            model.Resident(f"import-{n}", project, "import", clock(), wijk=f"W{n}")
            for n in range(3)
        ]
        ids = await uow.residents.add_many(people)
        ideas = [model.Idea(rnd, who, f"Idee {who}") for who in ids]
        idea_ids = await uow.contributions.add_ideas(ideas)
        await uow.commit()
    assert [p.id for p in people] == ids and len(set(ids)) == 3
    async with units() as uow:
        stored = await uow.contributions.ideas_of_round(rnd, False)
        wijken = [(await uow.residents.by_id(i)).wijk for i in ids]
    assert [(i.id, i.resident_id, i.text) for i in stored] == [
        (idea, who, f"Idee {who}") for idea, who in zip(idea_ids, ids, strict=True)
    ]
    assert wijken == ["W0", "W1", "W2"]
