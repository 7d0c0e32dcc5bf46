"""``inspraak organise CODE ROUND --suggest``: the suggested clusters of an ideas round."""

from __future__ import annotations

import argparse
import json

from config.settings import Settings
from core.domain.model import RoundKind
from core.i18n import format_number
from core.services.idea_clusters import SuggestedClusters, suggested_clusters
from inspraak.bootstrap import Container
from inspraak.cli.running import CliError, round_id, run
from inspraak.terminal import _, language


def cmd_organise(settings: Settings, args: argparse.Namespace) -> int:
    if not args.suggest:
        raise CliError(_("nothing to do: add --suggest to print suggested clusters"))

    async def work(container: Container) -> SuggestedClusters:
        found = await round_id(container, args.project, args.round)
        async with container.reading() as uow:
            rnd = await uow.projects.round(found)
            if rnd is None or rnd.kind != RoundKind.IDEAS:
                kind = rnd.kind.value if rnd else "unknown"
                raise CliError(
                    _("round {round} is a {kind} round, not an ideas round").format(
                        round=args.round, kind=kind
                    )
                )
            return await suggested_clusters(uow, container.similar_ideas, found, args.strictness)

    suggested = run(settings, work)
    if args.format == "json":
        print(json.dumps(suggested.to_json(), ensure_ascii=False, indent=2))
    else:
        print(format_clusters(suggested, args.project.upper(), args.round))
    return 0


def format_clusters(suggested: SuggestedClusters, project: str, key: str) -> str:
    """The clusters for a terminal: each with its label, size and every idea's id and words."""
    ideas, clusters = len(suggested.texts), len(suggested.clusters)
    lines = [
        _(
            "round {key} of {project}: {ideas} approved ideas in {clusters} suggested clusters"
            " (strictness {strictness})"
        ).format(
            key=key,
            project=project,
            ideas=ideas,
            clusters=clusters,
            strictness=format_number(suggested.strictness, language(), 2),
        )
    ]
    for number, cluster in enumerate(suggested.clusters, 1):
        size = len(cluster.ideas)
        lines.append(
            f"\n{number}. {cluster.label}"
            + ("  " + _("({size} ideas)").format(size=size) if size > 1 else "")
        )
        lines += [f"   {i:>6}  {suggested.texts[i]}" for i in cluster.ideas]
    return "\n".join(lines)
