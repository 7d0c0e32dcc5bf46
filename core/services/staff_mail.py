"""E-mail to facilitators and admins: what they asked for about their projects, and the
``Postman`` that sends every staff mail once its transaction has committed.

A user gets mail about the projects they may read (an admin: every project) when they opted
in (``users.notify``): a daily digest of contributions waiting for moderation (nothing when
nothing waits), and a note when a round opens or closes. Handlers queue a mail by raising
``StaffMailReady``; the ``Postman`` (subscribed by the composition root when SMTP is set up)
sends it in a task of its own, trying again a few times when the server asks to wait, so a
request never waits for the mail server and the answer takes as long with or without a mail.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from core.domain import commands as c
from core.domain import events as e
from core.domain import model
from core.domain.accounts import User
from core.domain.policy import Permission, allows
from core.i18n import format_when, gettext_for
from core.mail import Mail, Mailer, MailError
from core.storage.uow import UnitOfWork
from core.views.moderation import moderation_queue

log = logging.getLogger(__name__)

# A user gets at most one digest in this time, however often the daily job runs (restarts).
DIGEST_GAP = timedelta(hours=20)


def _readers(users: list[User], project: model.Project) -> list[User]:
    return [u for u in users if allows(u, Permission.READ, project.organisation_id)]


async def send_moderation_digests(cmd: c.SendModerationDigests, uow: UnitOfWork) -> int:
    """Queue one digest per user who asked for it and has contributions waiting; return how
    many were queued."""
    now = uow.clock()
    users = [
        u
        for u in await uow.accounts.wanting("digest")
        if u.digest_sent_at is None or now - u.digest_sent_at >= DIGEST_GAP
    ]
    if not users:
        return 0
    waiting: list[tuple[model.Project, int]] = []
    for project in await uow.projects.all():
        if project.status == model.ProjectStatus.ACTIVE and project.id is not None:
            count = (await moderation_queue(uow, project.id, limit=0)).total
            if count:
                waiting.append((project, count))
    sent = 0
    for user in users:
        mine = [(p, n) for p, n in waiting if allows(user, Permission.READ, p.organisation_id)]
        if mine:
            uow.emit(_digest(user, mine, cmd.base_url))
            await uow.accounts.update_user(user.id or 0, digest_sent_at=now)
            sent += 1
    return sent


def _digest(user: User, waiting: list[tuple[model.Project, int]], base_url: str) -> e.Event:
    _ = gettext_for(user.language).gettext
    ngettext = gettext_for(user.language).ngettext
    base = base_url.rstrip("/")
    total = sum(n for _p, n in waiting)
    subject = ngettext(
        "%(num)s contribution waits for moderation",
        "%(num)s contributions wait for moderation",
        total,
    ) % {"num": total}
    lines = [_("Hello,"), "", _("These contributions wait for your review:"), ""]
    for project, count in waiting:
        lines.append(f"- {project.title} ({project.code}): {count}")
        lines.append(f"  {base}/manage/projects/{project.code}/moderation")
    lines += ["", _footer(user, base)]
    return e.StaffMailReady(user.email, subject, "\n".join(lines))


def _footer(user: User, base: str) -> str:
    _ = gettext_for(user.language).gettext
    return "-- \n" + _(
        "You get this e-mail because you asked for it. Change which e-mails you get: {link}"
    ).format(link=f"{base}/account/notifications")


async def tell_staff_of_round(cmd: c.TellStaffOfRound, uow: UnitOfWork) -> int:
    """Queue a note to everyone who asked for news of their projects' rounds."""
    rnd = await uow.projects.round(cmd.round_id)
    project = await uow.projects.get(rnd.project_id) if rnd is not None else None
    if rnd is None or project is None:
        return 0
    readers = _readers(await uow.accounts.wanting("rounds"), project)
    base = cmd.base_url.rstrip("/")
    for user in readers:
        _ = gettext_for(user.language).gettext
        values = {"round": rnd.key, "project": project.title}
        if cmd.opened:
            subject = _("Round {round} of {project} has opened").format(**values)
            when = rnd.closes_at and format_when(rnd.closes_at, user.language)
            news = _("It closes {when}.").format(when=when) if when else ""
        else:
            subject = _("Round {round} of {project} has closed").format(**values)
            news = _("Residents can no longer answer in this round.")
        link = f"{base}/manage/projects/{project.code}"
        text = "\n\n".join([_("Hello,"), f"{subject}. {news}".strip(), link, _footer(user, base)])
        uow.emit(e.StaffMailReady(user.email, subject, text))
    return len(readers)


class Postman:
    """Sends staff mails in the background; ``drain`` waits for those under way."""

    def __init__(self, mailer: Mailer, attempts: int = 3, wait: float = 30.0) -> None:
        self.mailer = mailer
        self.attempts = attempts
        self.wait = wait
        self._tasks: set[asyncio.Task[None]] = set()

    async def deliver(self, event: e.StaffMailReady) -> None:
        """Start sending ``event``'s mail and return at once."""
        task = asyncio.create_task(self._send(Mail(event.to, event.subject, event.text)))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, mail: Mail) -> None:
        for attempt in range(1, self.attempts + 1):
            try:
                await self.mailer.send(mail)
                return
            except MailError as error:
                if not error.transient or attempt == self.attempts:
                    log.warning("staff e-mail not sent: %s", error)
                    return
            await asyncio.sleep(self.wait * attempt)

    async def drain(self, within: float = 15.0) -> None:
        """Wait until every mail started has been sent or given up, at most ``within``
        seconds (a shutdown does not wait for a mail server that is away); the rest are
        cancelled and logged."""
        if not self._tasks:
            return
        _done, pending = await asyncio.wait(list(self._tasks), timeout=within)
        for task in pending:
            task.cancel()
        if pending:
            log.warning("%d staff e-mails not sent: the mail server did not answer", len(pending))
            await asyncio.gather(*pending, return_exceptions=True)


STAFF_MAIL_HANDLERS: dict[type[c.Command], Any] = {
    c.SendModerationDigests: send_moderation_digests,
    c.TellStaffOfRound: tell_staff_of_round,
}
