"""The round scheduler: APScheduler's persistent jobs, kept in line with the rounds' times.

* ``RoundScheduler``: APScheduler 3 (``AsyncIOScheduler``) with a ``SQLAlchemyJobStore`` in the
  project's own database (on SQLite in a file beside it: see ``jobstore_url``), so schedules
  survive restarts. Jobs take ids only and dispatch core commands (``OpenRound``,
  ``SendReminder``, ``CloseRound``); a job missed while the process was down runs once at
  start (``coalesce`` and ``misfire_grace_time``). The round jobs are derived from the
  ``rounds`` table: ``reconcile`` adds, moves and removes them, at start, after an import or
  edit in this process (``ProjectScheduleChanged``) and every
  ``INSPRAAK_SCHEDULER_RECONCILE`` seconds (an import by the CLI, another process).
  Housekeeping jobs run on an interval: ``PruneExpired`` hourly, ``ApplyRetention`` daily.
* The jobs are module-level functions of this module, and must stay here under their names:
  the job store keeps their import path, and drops a stored job whose function it cannot find.

Only the elected process runs the scheduler (inspraak/background.py). APScheduler stays out
of core/ (the house rules); this module is the glue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.events import EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from core.domain import commands as c
from core.domain import events as e
from core.domain import model, reminders
from core.domain.numbers import read_number
from inspraak.bootstrap import Container

log = logging.getLogger(__name__)

JOB_PREFIX = "round:"


def sync_url(url: str) -> str:
    """The synchronous URL the APScheduler job store needs for our async database URL."""
    for async_driver, sync_driver in (
        ("sqlite+aiosqlite", "sqlite"),
        ("postgresql+asyncpg", "postgresql+psycopg"),
    ):
        if url.startswith(async_driver + ":"):
            return sync_driver + url[len(async_driver) :]
    return url


def jobstore_url(database_url: str) -> str:
    """Where the scheduler keeps its jobs: the project's database, or beside it on SQLite.

    On PostgreSQL the ``apscheduler_jobs`` table lives in the project's database. The job store
    is synchronous and runs on the event loop: on SQLite, where every transaction of ours holds
    the one write lock across awaits, a job store write in the same file would block the loop
    until the lock's timeout. So on SQLite the jobs go in a file next to the database
    (``inspraak.db`` -> ``inspraak-jobs.db``).
    """
    url = sync_url(database_url)
    if not url.startswith("sqlite:///"):
        return url
    path = url[len("sqlite:///") :]
    if not path or path == ":memory:" or path.startswith("file:"):
        return url
    stem, dot, suffix = path.rpartition(".")
    if not dot or "/" in suffix:
        return f"sqlite:///{path}-jobs"
    return f"sqlite:///{stem}-jobs.{suffix}"


# -- jobs: module-level functions (the job store keeps their import path and ids only) ----------

# A job only names the command it stands for; the scheduler that ran it hands the command to
# its own container's bus (``RoundScheduler._on_job_done``), so no module-level registry is
# needed to find a container, and two schedulers in one process never mix their jobs.


async def open_round_job(round_id: int) -> c.Command:
    """Open a round (the prompt is queued by the OpenRound handler)."""
    return c.OpenRound(round_id)


async def reminder_job(round_id: int, number: int) -> c.Command:
    return c.SendReminder(round_id, number)


async def close_round_job(round_id: int) -> c.Command:
    return c.CloseRound(round_id)


async def prune_job() -> c.Command:
    """Drop processed-message ids, sent-message ids and anonymous visits past their time."""
    return c.PruneExpired()


async def retention_job() -> c.Command:
    """Erase the personal data of projects closed longer than their retention period."""
    return c.ApplyRetention()


async def digest_job(base_url: str) -> c.Command:
    """Mail facilitators who asked for it the contributions waiting for moderation."""
    return c.SendModerationDigests(base_url)


DIGEST_JOB = "housekeeping:digest"
DIGEST_HOUR = 8  # Amsterdam time, every day


# Housekeeping runs on an interval, whatever the rounds: (job, every). The first run is a
# minute after the scheduler starts, so a process that restarts often still prunes.
HOUSEKEEPING_PREFIX = "housekeeping:"
HOUSEKEEPING: dict[str, tuple[Callable[[], Awaitable[c.Command]], timedelta]] = {
    HOUSEKEEPING_PREFIX + "prune": (prune_job, timedelta(hours=1)),
    HOUSEKEEPING_PREFIX + "retention": (retention_job, timedelta(days=1)),
}


@dataclass(frozen=True)
class JobSpec:
    func: Callable[..., Awaitable[None]]
    run_date: datetime
    args: tuple[int, ...]
    catch_up: bool = True  # schedule even when the time has passed (opening, closing)


def desired_jobs(rounds: list[model.Round], now: datetime) -> dict[str, JobSpec]:
    """The jobs the rounds call for: open when scheduled, reminders and close while not closed."""
    jobs: dict[str, JobSpec] = {}
    for rnd in rounds:
        if rnd.id is None or rnd.state == model.RoundState.CLOSED:
            continue
        prefix = f"{JOB_PREFIX}{rnd.id}:"
        if rnd.state == model.RoundState.SCHEDULED and rnd.opens_at is not None:
            jobs[prefix + "open"] = JobSpec(open_round_job, rnd.opens_at, (rnd.id,))
        if rnd.closes_at is not None:
            jobs[prefix + "close"] = JobSpec(close_round_job, rnd.closes_at, (rnd.id,))
        if rnd.state != model.RoundState.DRAFT:
            for number, text in enumerate(rnd.reminders):
                at = reminders.due(text, rnd.opens_at, rnd.closes_at)
                if at is None:
                    continue
                jobs[f"{prefix}reminder:{number}"] = JobSpec(
                    reminder_job, at, (rnd.id, number), catch_up=False
                )
    return jobs


class RoundScheduler:
    """Keeps APScheduler's persistent jobs in line with the rounds' times."""

    def __init__(
        self,
        container: Container,
        *,
        misfire_grace: int | None = None,
        reconcile_every: float | None = None,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        settings = container.settings
        self.container = container
        self.misfire_grace = misfire_grace or settings.scheduler_misfire_grace
        # 0 switches the periodic look off (tests); None takes the setting
        self.reconcile_every = (
            settings.scheduler_reconcile if reconcile_every is None else reconcile_every
        )
        self.wall_clock = wall_clock  # APScheduler runs on the real clock, so decisions do too
        self.store = SQLAlchemyJobStore(url=jobstore_url(settings.database_url))
        self.scheduler = AsyncIOScheduler(
            jobstores={"default": self.store},
            job_defaults={
                "coalesce": True,
                "misfire_grace_time": self.misfire_grace,
                "max_instances": 1,
            },
            timezone=UTC,
        )
        self.scheduler.add_listener(self._on_job_done, EVENT_JOB_EXECUTED)
        self._loop_task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._in_flight: set[asyncio.Future[Any]] = set()

    def _on_job_done(self, event: JobExecutionEvent) -> None:
        """Handle the command a job returned, in a task of its own that a shutdown waits for.

        APScheduler's asyncio executor cancels running jobs when it shuts down; a command cut
        off halfway would open a round with its prompt not yet queued (rolled back, so the job
        would run again after the restart, but late). The job itself only names the command,
        so it is done at once; the command runs here, and ``stop`` lets it finish.
        """
        command = event.retval
        if not isinstance(command, c.Command):
            return
        task = asyncio.ensure_future(self.container.bus.handle(command))
        self._in_flight.add(task)
        task.add_done_callback(self._job_finished)

    def _job_finished(self, task: asyncio.Future[Any]) -> None:
        self._in_flight.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("scheduler: a scheduled command failed", exc_info=task.exception())

    async def start(self) -> None:
        """Load the stored jobs paused, bring them in line with the rounds, then run them."""
        self.scheduler.start(paused=True)
        await self.reconcile()
        self._schedule_housekeeping()
        self.scheduler.resume()
        self.container.bus.subscribe(e.ProjectScheduleChanged, self._on_project_changed)
        self.container.bus.subscribe(e.RoundOpened, self._on_round_changed)
        self.container.bus.subscribe(e.RoundClosed, self._on_round_changed)
        if self.reconcile_every > 0:
            self._loop_task = asyncio.create_task(self._reconcile_loop())

    def _schedule_housekeeping(self) -> None:
        first = self.wall_clock() + timedelta(minutes=1)
        for job_id, (func, every) in HOUSEKEEPING.items():
            self.scheduler.add_job(
                func,
                IntervalTrigger(seconds=every.total_seconds(), timezone=UTC),
                id=job_id,
                name=job_id,
                replace_existing=True,
                next_run_time=first,
            )
        self.scheduler.add_job(
            digest_job,
            CronTrigger(hour=DIGEST_HOUR, timezone="Europe/Amsterdam"),
            args=(self.container.settings.base_url(),),
            id=DIGEST_JOB,
            name=DIGEST_JOB,
            replace_existing=True,
        )

    async def stop(self) -> None:
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self._in_flight:  # commands of jobs that ran: let them finish their transaction
            await asyncio.wait(list(self._in_flight), timeout=30)
        self.store.engine.dispose()

    async def _reconcile_loop(self) -> None:
        while True:
            await asyncio.sleep(self.reconcile_every)
            try:
                await self.reconcile()
            except Exception:
                log.exception("scheduler: reading the rounds' schedule failed")

    async def _on_project_changed(self, event: e.ProjectScheduleChanged) -> None:
        if self.scheduler.running:
            await self.reconcile(event.project_id)

    async def _on_round_changed(self, event: e.RoundOpened | e.RoundClosed) -> None:
        if not self.scheduler.running:
            return
        async with self.container.uow() as uow:
            rnd = await uow.projects.round(event.round_id)
        if rnd is not None:
            await self.reconcile(rnd.project_id)

    async def reconcile(self, project_id: int | None = None) -> int:
        """Add, move and remove jobs so they match the rounds; return how many changed.

        With ``project_id`` only that project's rounds are looked at.
        """
        async with self._lock:
            async with self.container.uow() as uow:
                if project_id is None:
                    projects = await uow.projects.all()
                else:
                    found = await uow.projects.get(project_id)
                    projects = [found] if found is not None else await uow.projects.all()
                    if found is None:  # deleted: its rounds' jobs go in a full reconcile
                        project_id = None
                rounds: list[model.Round] = []
                scope: set[int] = set()
                for project in projects:
                    assert project.id is not None
                    mine = await uow.projects.rounds(project.id)
                    scope.update(r.id for r in mine if r.id is not None)
                    if project.status == model.ProjectStatus.ACTIVE:
                        rounds += mine
            wanted = desired_jobs(rounds, self.wall_clock())
            return self._apply(wanted, None if project_id is None else scope)

    def _apply(self, wanted: Mapping[str, JobSpec], scope: set[int] | None) -> int:
        """Make the stored jobs match ``wanted``; stale jobs go when their round is in scope."""
        now = self.wall_clock()
        changed = 0
        existing = {
            job.id: job for job in self.scheduler.get_jobs() if job.id.startswith(JOB_PREFIX)
        }
        for job_id, spec in wanted.items():
            job = existing.pop(job_id, None)
            if job is not None and getattr(job.trigger, "run_date", None) == spec.run_date:
                continue
            if job is None and not spec.catch_up and spec.run_date < now:
                continue  # a reminder whose time passed before it was ever scheduled
            self.scheduler.add_job(
                spec.func,
                DateTrigger(run_date=spec.run_date, timezone=UTC),
                args=spec.args,
                id=job_id,
                name=job_id,
                replace_existing=True,
            )
            changed += 1
        for job_id in existing:
            if scope is not None and _round_of(job_id) not in scope:
                continue
            self.scheduler.remove_job(job_id)
            changed += 1
        return changed


def _round_of(job_id: str) -> int | None:
    parts = job_id.split(":")
    return read_number(parts[1]) if len(parts) > 1 else None
