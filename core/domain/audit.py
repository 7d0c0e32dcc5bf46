"""The audit log: who did what in the web area, and when — never a resident's words.

An entry names the person (their user id and the e-mail address they had then), the action
(``round.publish``, ``moderation.reject`` ...) and what it was done to, by id or key only: a
contribution's number, never its text; a rejection's reason is left out because it may quote
the contribution.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.i18n import N_


@dataclass
class AuditEntry:
    action: str
    user_id: int | None = None
    actor: str = ""  # the user's e-mail address when they acted ("command line": the CLI)
    organisation_id: int | None = None
    project_id: int | None = None
    target: str = ""  # e.g. "project:DEMO", "round:DEMO/ideeen", "idea:12"
    detail: dict[str, Any] = field(default_factory=dict)  # ids, keys and field names only
    created_at: datetime | None = None
    id: int | None = None


# Every action the log knows, with its label (translated where shown), in the order the audit
# page offers them as a filter.
ACTIONS: dict[str, str] = {
    "project.create": N_("Project created"),
    "project.update": N_("Project changed"),
    "project.import": N_("Project file imported"),
    "project.delete": N_("Project deleted"),
    "project.close": N_("Project closed"),
    "project.archive": N_("Project archived"),
    "project.unarchive": N_("Project taken out of the archive"),
    "project.copy": N_("Project copied"),
    "project.from_template": N_("Project made from a template"),
    "template.save": N_("Project saved as a template"),
    "template.delete": N_("Template deleted"),
    "round.add": N_("Round added"),
    "round.edit": N_("Round changed"),
    "round.delete": N_("Round deleted"),
    "population.update": N_("Population figures changed"),
    "wijken.import": N_("Wijken imported from a file"),
    "round.open": N_("Round opened"),
    "round.close": N_("Round closed"),
    "round.publish": N_("Results published"),
    "round.unpublish": N_("Results taken back"),
    "round.shortlist": N_("Shortlist fixed"),
    "ideas.import": N_("Ideas imported"),
    "broadcast.prompt": N_("Round prompt sent"),
    "broadcast.reminder": N_("Reminder sent"),
    "moderation.approve": N_("Contribution approved"),
    "moderation.reject": N_("Contribution rejected"),
    "moderation.correct": N_("Contribution corrected"),
    "moderation.merge": N_("Ideas merged"),
    "moderation.tag": N_("Themes given"),
    "organise.approve": N_("Ideas approved together"),
    "organise.reject": N_("Ideas rejected together"),
    "organise.merge": N_("Group of ideas merged into one"),
    "organise.tag": N_("Theme given to ideas"),
    "organise.untag": N_("Theme taken off ideas"),
    "organise.theme_create": N_("Theme made"),
    "organise.theme_rename": N_("Theme renamed"),
    "organise.theme_delete": N_("Theme deleted"),
    "organise.undo": N_("Organising undone"),
    "export": N_("Data downloaded"),
    "account.create": N_("Account created"),
    "account.password": N_("Password changed"),
    "account.invite": N_("User invited"),
    "account.update": N_("Role or organisation changed"),
    "account.disable": N_("Account disabled"),
    "account.enable": N_("Account enabled"),
    "account.remove": N_("Account removed"),
    "account.reset": N_("Password set through an e-mail link"),
    "account.token_issue": N_("API token made"),
    "account.token_revoke": N_("API token revoked"),
    "organisation.privacy": N_("Privacy settings changed"),
    "organisation.logo": N_("Logo changed"),
    "database.backup": N_("Database backed up"),
}
