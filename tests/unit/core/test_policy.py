"""The authorisation policy: admins everything, facilitators their organisation, viewers read."""

from __future__ import annotations

import pytest

from core.domain import policy
from core.domain.accounts import Role, User
from core.domain.policy import NotAllowed, Permission

OURS, THEIRS = 1, 2


def user(role: Role, organisation_id: int | None = OURS) -> User:
    return User("someone@voorbeeld.nl", role, organisation_id, must_change_password=False)


@pytest.mark.parametrize("permission", list(Permission))
def test_an_admin_may_do_everything_in_every_organisation(permission: Permission):
    admin = user(Role.ADMIN, None)
    assert policy.allows(admin, permission, OURS) and policy.allows(admin, permission, THEIRS)


@pytest.mark.parametrize("permission", list(Permission))
def test_a_facilitator_may_do_everything_in_their_own_organisation_only(permission: Permission):
    facilitator = user(Role.FACILITATOR)
    assert policy.allows(facilitator, permission, OURS)
    assert not policy.allows(facilitator, permission, THEIRS)
    with pytest.raises(NotAllowed):
        policy.require(facilitator, permission, THEIRS)


def test_a_viewer_reads_their_own_organisation_and_changes_nothing():
    viewer = user(Role.VIEWER)
    assert policy.allows(viewer, Permission.READ, OURS)
    assert not policy.allows(viewer, Permission.READ, THEIRS)
    assert not policy.allows(viewer, Permission.EDIT, OURS)
    assert not policy.allows(viewer, Permission.PUBLISH, OURS)
    assert not policy.may_edit_anything(viewer)


def test_a_user_without_an_organisation_sees_no_organisations_projects():
    assert not policy.allows(user(Role.FACILITATOR, None), Permission.READ, OURS)
    assert policy.readable_scope(user(Role.FACILITATOR, None)) == -1


def test_only_admins_choose_the_organisation_of_a_project_and_list_them_all():
    assert policy.chooses_organisation(user(Role.ADMIN, None))
    assert not policy.chooses_organisation(user(Role.FACILITATOR))
    assert policy.readable_scope(user(Role.ADMIN, None)) is None
    assert policy.readable_scope(user(Role.VIEWER)) == OURS


def test_the_system_itself_may_do_everything():
    assert policy.allows(None, Permission.EDIT, THEIRS) and policy.chooses_organisation(None)
