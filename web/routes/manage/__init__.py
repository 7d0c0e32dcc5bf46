"""The facilitator area under ``/manage``, one module per concern, all on one ``router``."""

from __future__ import annotations

# isort: off
# Imported for their routes, in this order: /projects/new before /projects/{code}, and
# .../rounds/{key}/shortlist and .../remind before .../rounds/{key}/{action}.
from web.routes.manage import projects, shortlist, schedule  # noqa: F401
from web.routes.manage import rounds, results, exports, moderation, governance  # noqa: F401
from web.routes.manage import population, logos, organise, preview, readability  # noqa: F401
from web.routes.manage import lifecycle, templates  # noqa: F401
from web.routes.manage import users  # noqa: F401
from web.routes.manage.common import router

# isort: on

__all__ = ["router"]
