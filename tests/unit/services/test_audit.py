"""The audit log's rules on the fake unit of work: who, what and which ids, never the text."""

from __future__ import annotations

import pytest

from core.domain import commands as c
from core.domain.accounts import Role, User
from core.domain.errors import InvalidInput, UnknownItem
from core.domain.policy import NotAllowed
from core.services.bus import MessageBus
from tests.fakes.uow import FakeDatabase
from tests.unit.services.conftest import make_plan


async def user(db: FakeDatabase, email: str, role: Role, organisation: str | None) -> int:
    async with db.uow() as uow:
        org_id = await uow.projects.organisation(organisation) if organisation else None
        user_id = await uow.accounts.add_user(User(email, role, org_id, False), "hash")
        await uow.commit()
    return user_id


def entries(db: FakeDatabase) -> list:
    return list(db.tables.audit_log.values())


async def test_a_rejection_is_recorded_by_number_without_text_or_reason(db, bus: MessageBus):
    plan = await make_plan(db)
    anna = await user(db, "anna@a.nl", Role.FACILITATOR, "gemeente-a")
    resident = await bus.handle(c.GiveConsent("p1", plan.project_id, "web", "nl"))
    idea = await bus.handle(c.SubmitIdea(resident, plan.ideas, "Bel 0612345678"))

    await bus.handle(c.RejectContribution("idea", idea, "noemt 0612345678", anna))

    (entry,) = entries(db)
    assert (entry.action, entry.user_id, entry.actor) == ("moderation.reject", anna, "anna@a.nl")
    assert entry.target == f"idea:{idea}" and entry.project_id == plan.project_id
    assert entry.detail == {"kind": "idea", "contribution_id": idea}
    assert "0612345678" not in repr(entry) and entry.created_at is not None


async def test_residents_commands_and_the_systems_own_leave_no_entry(db, bus):
    plan = await make_plan(db)
    resident = await bus.handle(c.GiveConsent("p1", plan.project_id, "web", "nl"))
    await bus.handle(c.SubmitIdea(resident, plan.ideas, "Meer bomen"))
    await bus.handle(c.CloseRound(plan.ideas))
    assert entries(db) == []


async def test_a_refused_command_leaves_no_entry(db, bus):
    await make_plan(db)
    anna = await user(db, "anna@a.nl", Role.FACILITATOR, "gemeente-a")
    with pytest.raises(UnknownItem):
        await bus.handle(c.ApproveContribution("idea", 999, anna))
    bert = await user(db, "bert@b.nl", Role.FACILITATOR, "gemeente-b")
    with pytest.raises(NotAllowed):
        await bus.handle(c.RecordExport(bert, "PLAN", "results.csv"))
    assert entries(db) == []


async def test_only_an_admin_changes_the_privacy_settings(db, bus):
    await make_plan(db)
    anna = await user(db, "anna@a.nl", Role.FACILITATOR, "gemeente-a")
    admin = await user(db, "beheer@a.nl", Role.ADMIN, None)
    with pytest.raises(NotAllowed):
        await bus.handle(c.UpdatePrivacySettings("gemeente-a", "x@a.nl", "", anna))

    await bus.handle(c.UpdatePrivacySettings("gemeente-a", " fg@a.nl ", "Een\r\ntekst", admin))

    org = next(o for o in db.tables.organisations.values() if o.slug == "gemeente-a")
    assert (org.privacy_contact, org.privacy_text) == ("fg@a.nl", "Een\ntekst")
    (entry,) = entries(db)
    assert entry.action == "organisation.privacy" and entry.organisation_id == org.id
    assert "tekst" not in repr(entry)


@pytest.mark.parametrize(
    ("contact", "text", "problem"),
    [
        ("x" * 255, "", "contact_too_long"),
        ("a\nb", "", "contact_too_long"),
        ("", "y" * 5001, "text_too_long"),
    ],  # fmt: skip
)
async def test_privacy_settings_out_of_bounds_are_refused(db, bus, contact, text, problem):
    await make_plan(db)
    admin = await user(db, "beheer@a.nl", Role.ADMIN, None)
    with pytest.raises(InvalidInput) as refused:
        await bus.handle(c.UpdatePrivacySettings("gemeente-a", contact, text, admin))
    assert refused.value.detail == problem and entries(db) == []


async def test_an_unknown_organisation_is_an_unknown_item(db, bus):
    admin = await user(db, "beheer@a.nl", Role.ADMIN, None)
    with pytest.raises(UnknownItem):
        await bus.handle(c.UpdatePrivacySettings("nergens", "", "", admin))
