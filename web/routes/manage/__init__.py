"""The facilitator area under ``/manage``, one module per concern, all on one ``router``."""

from __future__ import annotations

# isort: off
# Imported for their routes, in this order: /projects/new before /projects/{code}, and
# .../rounds/{key}/shortlist and .../remind before the round actions (.../rounds/{key}/open ...).
from web.routes.manage import projects, shortlist, schedule, rounds, round_actions  # noqa: F401
from web.routes.manage import results, exports, moderation, governance  # noqa: F401
from web.routes.manage import population, logos, organise, preview, readability  # noqa: F401
from web.routes.manage import lifecycle, templates, users  # noqa: F401
from web.routes.manage.common import router

# isort: on

__all__ = ["router"]
