"""Finding the statements round a Pol.is command works on.

Apart from :mod:`core.services.polis.transfer` so that ``inspraak analyse`` can find its round
without importing the import machinery (the dialogue engine and the spreadsheet writers).
"""

from __future__ import annotations

from core.domain import model
from core.domain.errors import DomainError
from core.i18n import N_
from core.storage.uow import UnitOfWork


class TransferError(DomainError):
    """A Pol.is import or export that cannot be done (the CLI reports it in one line)."""

    code = "polis_transfer"

    def __str__(self) -> str:  # its detail is a message id, formatted with its values
        return self.detail.format(**self.params)


async def find_round(uow: UnitOfWork, code: str, key: str | None) -> model.Round:
    """The statements round ``key`` of project ``code`` (the only one when ``key`` is None).

    Raises:
        TransferError: naming what is missing.
    """
    project = await uow.projects.by_code(model.Project.normalise_code(code))
    if project is None or project.id is None:
        raise TransferError(N_("no project with code {code}"), code=code)
    rounds = await uow.projects.rounds(project.id)
    statements = [r for r in rounds if r.kind == model.RoundKind.STATEMENTS]
    if key is None and len(statements) == 1:
        return statements[0]
    found = next((r for r in rounds if r.key == key), None)
    if found is None:
        known = ", ".join(r.key for r in statements)
        if not statements:
            msgid = N_("project {code} has no statements round")
        elif key:
            msgid = N_(
                "project {code} has no statements round {key} (statements rounds: {known}); "
                "use --round KEY"
            )
        else:
            msgid = N_("project {code} has several statements rounds ({known}); use --round KEY")
        raise TransferError(msgid, code=project.code, key=key or "", known=known)
    if found.kind != model.RoundKind.STATEMENTS:
        raise TransferError(
            N_("round {key} of {code} is not a statements round"), key=found.key, code=project.code
        )
    return found
