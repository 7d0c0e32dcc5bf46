"""What the command line prints when a command is refused: a sentence in the terminal's
language, never a bare code.

The services refuse with a code (``InvalidInput("password_too_short", limit=12)``) and the web
area words the codes its forms can meet beside the field they are about. The command line can
meet any of them, so this table words every code the services raise (a test reads the services'
source and fails on a code missing here). Where the web area already says the same thing, the
message id is the same, so its translation is too.
"""

from __future__ import annotations

from pydantic import ValidationError

from core.domain.errors import (
    ActionNotAvailable,
    DomainError,
    LimitReached,
    NotConsented,
    ProjectFileError,
    RoundNotOpen,
    UnknownItem,
    UnknownProject,
)
from core.i18n import N_, format_number
from core.labels import label
from inspraak.cli.running import CliError
from inspraak.terminal import _, catalog, language

# InvalidInput's codes, worded; ``{name}`` fields come from the error's values and the
# command's context (``code``: the project the command is about).
REFUSALS = {
    # accounts
    "email": N_("Enter an e-mail address such as naam@gemeente.nl."),
    "role": N_("Choose one of the roles."),
    "organisation_required": N_("Choose the organisation: only an admin works for all of them."),
    "unknown_organisation": N_("Choose one of the organisations."),
    "organisation_slug": N_(
        "Use lowercase letters, digits and -, starting with a letter or digit."
    ),
    "unknown_user": N_("There is no account with this e-mail address."),
    "user_disabled": N_("This account is disabled."),
    "has_password": N_("This person has chosen a password already."),
    "password_too_short": N_("Use at least {limit} characters."),
    "password_unchanged": N_("Choose a password you have not used here yet."),
    "password_is_email": N_("Do not use your e-mail address as password."),
    # organisations
    "contact_too_long": N_("Use one line of at most 254 characters."),
    "text_too_long": N_("Use at most 5,000 characters."),
    "logo_empty": N_("Choose an image file."),
    "logo_too_large": N_("The image is too large: at most 200 kB."),
    "logo_not_an_image": N_("This is not a PNG, JPEG or SVG image."),
    # a project's life
    "project_has_residents": N_(
        "residents have joined {code}, so it cannot be deleted; "
        "close and archive it instead (inspraak project close / archive)"
    ),
    "project_started": N_(
        "a round of {code} has opened, so it cannot be deleted; "
        "close and archive it instead (inspraak project close / archive)"
    ),
    "project_not_closed": N_("{code} is not closed; close it first (inspraak project close)"),
    "template_name": N_("give the template a name of at most 200 characters"),
    "round_started": N_("this round has opened, so it cannot be removed"),
    # rounds and their items
    "no_items_from": N_("this round takes no items from an ideas round"),
    "not_an_ideas_round": N_("Ideas can only be imported into an ideas round."),
    "top": N_("choose a number of items from {low} to {high}"),
    "themes": N_("An idea can have at most five themes."),
    # organising and moderating ideas
    "none_selected": N_("Choose at least one idea first."),
    "too_many": N_("Choose at most 1000 ideas at once."),
    "other_round": N_("One of these ideas belongs to another round."),
    "merged": N_("This idea was already merged into another one."),
    "merge": N_("Type the number of the idea to merge into, for example 12."),
    "merge_few": N_("Choose at least two ideas to merge."),
    "survivor": N_(
        "The idea to keep must be approved and free of personal details: approve one first."
    ),
    "held": N_("That idea is waiting for review: approve or correct it first, then merge."),
    "rejected": N_("An idea cannot be merged into a rejected idea."),
    "empty": N_("The text is empty."),
    "too_long": N_("The text is too long: at most {limit} characters."),
    "theme_empty": N_("Give the theme a name."),
    "theme_long": N_("A theme's name has at most 60 characters."),
    "theme_exists": N_("There is already a theme with that name."),
    "undo_gone": N_("That action was already undone, or another action came after it."),
    "undo_changed": N_("These ideas have changed since, so that action can no longer be undone."),
    "kind": N_("That kind of review is not known."),
    # a resident's answers (the simulation and imports go through the same rules)
    "score_out_of_range": N_("Give a score from {low} to {high}."),
    "vote": N_("Vote agree, disagree or pass."),
    "postcode": N_("That is not a Dutch postcode."),
    "age_band": N_("Choose one of the age groups."),
}

# UnknownItem's kinds
MISSING = {
    "project": N_("That project does not exist."),
    "round": N_("That round does not exist."),
    "item": N_("That item does not exist."),
    "criterion": N_("That criterion does not exist."),
    "idea": N_("That idea or comment no longer exists."),
    "theme": N_("That theme no longer exists."),
    "template": N_("That template does not exist (inspraak project templates lists them)."),
    "organisation": N_("That organisation does not exist."),
    "bot": N_("That bot does not exist (inspraak bot list lists them)."),
    "kind": N_("That kind of review is not known."),
}
REFUSED = N_("That is not possible.")


def explain(error: Exception, **context: object) -> str:
    """``error`` as the sentence(s) a user reads in the terminal's language."""
    words = language()
    if isinstance(error, CliError):
        return str(error)
    if isinstance(error, ProjectFileError):
        return error.describe(words)
    from core.services.idea_file import InvalidIdeaFile

    if isinstance(error, InvalidIdeaFile):
        return "\n".join(error.lines(words))
    if not isinstance(error, DomainError):
        return str(error)
    return _domain(error, words, context)


def _domain(error: DomainError, words: str, context: dict[str, object]) -> str:
    from core.services.accounts import AccountExists
    from core.services.project_problems import problem_lines
    from core.services.project_spec import InvalidProjectFile

    values = {**context, **error.params}
    if isinstance(error, InvalidProjectFile):
        return "\n".join(problem_lines(error.problems, words))
    if isinstance(error, AccountExists):
        return _("There is already an account with this e-mail address.")
    if isinstance(error, UnknownProject):
        return _("no project with code {code}").format(code=error.detail)
    if isinstance(error, UnknownItem):
        return _(MISSING.get(error.detail, REFUSED))
    if isinstance(error, RoundNotOpen):
        return _("round {key} is not open").format(key=error.detail)
    if isinstance(error, ActionNotAvailable):
        state = label(values.get("state"), "round_state", catalog())
        return _("this cannot be done now (state of the round: {state})").format(state=state)
    if isinstance(error, LimitReached):
        limit = format_number(error.params.get("limit"), words, digits=0)
        return _("at most {limit} ideas per resident in this round").format(limit=limit)
    if isinstance(error, NotConsented):
        return _("this resident has not agreed to take part")
    msgid = REFUSALS.get(error.detail)
    if msgid is None:
        # refusals that carry their own message id (a Pol.is transfer, an access rule)
        msgid = error.detail if " " in error.detail else REFUSED
    try:
        return _(msgid).format(**values)
    except (KeyError, IndexError):
        return _(msgid)


def explain_settings(error: ValidationError) -> str:
    """Settings that do not validate, one a line, each naming its variable.

    Pydantic's own text repeats the input, and for a rule over several settings that input is
    all of them: the secret key and the bots' tokens would end up on the terminal and in the
    service's log. This says what is wrong with each variable and never what it holds.
    """
    from config.settings import SettingError
    from core.services.project_problems import problem_message

    words = language()
    lines = []
    for item in error.errors(include_input=False, include_url=False):
        cause = (item.get("ctx") or {}).get("error")
        if isinstance(cause, SettingError):
            lines.append(_(cause.msgid).format(**cause.values))
            continue
        name = "INSPRAAK_" + "_".join(str(part) for part in item["loc"]).upper()
        said = problem_message(item, words)
        choices = (item.get("ctx") or {}).get("expected")  # the values a Literal allows
        lines.append(f"{name}: {said} ({choices})" if choices else f"{name}: {said}")
    return "\n".join(lines)
