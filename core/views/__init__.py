"""Read models: what pages, the CLI, the API and exports show, read with SQL aggregates.

Every view function takes a read-only unit of work first::

    async with container.reading() as uow:
        results = await views.project_results(uow, code, now)

One module per page family; the names below are re-exported so ``from core import views`` is
enough. Three modules bring numpy and scikit-learn with them and are imported by their path
instead, so that importing ``core.views`` stays quick: :mod:`core.views.votes` (a round's
votes for the analysis), :mod:`core.views.opinions` (opinion groups on the summary page, with
:mod:`core.views.opinion_map`) and :mod:`core.views.others` ("how do others think?" in the chat).
"""

from core.views.audit import AuditPage, audit_page, audit_rows
from core.views.breakdowns import MIN_GROUP, Breakdown, breakdown
from core.views.dashboard import (
    Dashboard,
    DashboardRound,
    dashboard,
    organisations,
    outbox_progress,
    projects_for,
)
from core.views.lifecycle import ProjectLife, project_life
from core.views.moderation import (
    ModerationQueue,
    QueueEntry,
    contribution_project,
    moderation_log,
    moderation_queue,
)
from core.views.privacy import Logo, PrivacyStatement, organisation_logo, privacy_statement
from core.views.public import (
    database_answers,
    has_public_summary,
    next_opening,
    open_projects,
    projects_with_summary,
)
from core.views.reading import ReadUnit
from core.views.results import (
    ItemResult,
    ProjectResults,
    RoundResult,
    ScoreStats,
    project_results,
    stats_from_histogram,
)
from core.views.shown import Shown, shown_items
from core.views.summary import Summary, SummaryRound, public_summary
from core.views.supports import IdeaBacking, idea_backing
from core.views.templates import own_templates

__all__ = [
    "ProjectLife",
    "project_life",
    "own_templates",
    "AuditPage",
    "PrivacyStatement",
    "audit_page",
    "audit_rows",
    "privacy_statement",
    "organisation_logo",
    "Logo",
    "MIN_GROUP",
    "Breakdown",
    "Dashboard",
    "DashboardRound",
    "IdeaBacking",
    "ItemResult",
    "ModerationQueue",
    "ProjectResults",
    "QueueEntry",
    "ReadUnit",
    "RoundResult",
    "ScoreStats",
    "Shown",
    "Summary",
    "SummaryRound",
    "breakdown",
    "contribution_project",
    "dashboard",
    "idea_backing",
    "database_answers",
    "moderation_log",
    "moderation_queue",
    "next_opening",
    "open_projects",
    "organisations",
    "outbox_progress",
    "project_results",
    "projects_for",
    "projects_with_summary",
    "public_summary",
    "has_public_summary",
    "shown_items",
    "stats_from_histogram",
]
