"""Population figures as a command (checked, by the policy, in the audit log) and the
representativeness they give beside participation, raw and reweighted."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from core.domain import commands as c
from core.domain import model
from core.domain.policy import NotAllowed
from core.domain.population import InvalidPopulation
from core.storage import tables as t
from core.views.population import figures, representation
from inspraak.bootstrap import Container
from tests.integration.test_project_commands import user_id

WIJKEN = {"Centrum": ["1011"], "Noord": ["1021"]}
PROJECT = {"code": "park", "title": "Het park", "organisation": "gemeente-test", "wijken": WIJKEN}
RATING = {"key": "cijfers", "kind": "rating", "items": ["Bankjes", "Bomen"], "state": "open"}
FIGURES = {"wijk": {"Centrum": 8000, "Noord": 2000}, "age_band": {"65+": 1000}}
NOW = datetime(2026, 12, 1, tzinfo=UTC)


async def stored(container: Container) -> list[tuple]:
    async with container.reading() as uow:
        rows = await uow.conn.execute(
            sa.select(t.population.c.dimension, t.population.c.group_name, t.population.c.people)
        )
        return sorted(tuple(r) for r in rows)


async def test_a_facilitator_sets_figures_and_the_audit_log_says_so(container: Container):
    await container.bus.handle(c.CreateProject(PROJECT))
    facilitator = await user_id(container, "facilitator", "gemeente-test")
    await container.bus.handle(c.SetPopulation("PARK", FIGURES, "cbs", facilitator))
    assert await stored(container) == [
        ("age_band", "65+", 1000),
        ("wijk", "Centrum", 8000),
        ("wijk", "Noord", 2000),
    ]
    async with container.reading() as uow:
        entry = (
            await uow.conn.execute(
                sa.select(t.audit_log).where(t.audit_log.c.action == "population.update")
            )
        ).one()
    assert entry.target == "project:PARK" and entry.user_id == facilitator
    assert entry.detail == {"source": "cbs", "groups": {"wijk": 2, "age_band": 1}}


async def test_new_figures_replace_the_old_ones_whole(container: Container):
    await container.bus.handle(c.CreateProject(PROJECT))
    await container.bus.handle(c.SetPopulation("PARK", FIGURES))
    await container.bus.handle(c.SetPopulation("PARK", {"wijk": {"Noord": 2500}}))
    assert await stored(container) == [("wijk", "Noord", 2500)]


@pytest.mark.parametrize(
    "figures",
    [{"wijk": {"Elders": 100}}, {"wijk": {"Noord": -1}}, {"age_band": {"65+": "veel"}}],
)
async def test_a_bad_figure_changes_nothing(container: Container, figures):
    await container.bus.handle(c.CreateProject(PROJECT))
    await container.bus.handle(c.SetPopulation("PARK", FIGURES))
    with pytest.raises(InvalidPopulation):
        await container.bus.handle(c.SetPopulation("PARK", figures))
    assert len(await stored(container)) == 3


@pytest.mark.parametrize(
    ("role", "organisation"), [("viewer", "gemeente-test"), ("facilitator", "elders")]
)
async def test_only_who_may_edit_the_project_sets_its_figures(
    container: Container, role: str, organisation: str
):
    await container.bus.handle(c.CreateProject(PROJECT))
    someone = await user_id(container, role, organisation)
    with pytest.raises(NotAllowed):
        await container.bus.handle(c.SetPopulation("PARK", FIGURES, "form", someone))
    assert await stored(container) == []


async def residents_rate(container: Container, project: model.Project) -> None:
    """Centrum: 8 residents giving Bankjes a 2; Noord: 4 residents giving it a 4."""
    async with container.uow() as uow:
        rnd = (await uow.projects.rounds(project.id or 0))[0]
        bankjes = (await uow.projects.items(rnd.id or 0))[0]
        for n, (wijk, score) in enumerate([("Centrum", 2)] * 8 + [("Noord", 4)] * 4 + [(None, 5)]):
            resident = model.Resident(f"p{n}", project.id or 0, "web", NOW, wijk=wijk)
            rid = await uow.residents.add(resident)
            await uow.contributions.upsert_rating(
                model.Rating(rnd.id or 0, bankjes.id or 0, rid, 0, score)
            )
        await uow.commit()


async def test_rates_score_and_reweighted_results_beside_the_raw_ones(container: Container):
    project = await container.bus.handle(c.CreateProject(PROJECT))
    await container.bus.handle(c.AddRound("PARK", RATING))
    await container.bus.handle(c.SetPopulation("PARK", FIGURES))
    await residents_rate(container, project)
    async with container.reading() as uow:
        plain = await representation(uow, project)
    wijk = plain.dimensions[0]
    assert [(g.group, g.participants, g.rate) for g in wijk.groups] == [
        ("Centrum", 8, 0.001),
        ("Noord", 4, 0.002),
    ]
    assert wijk.score == pytest.approx(0.5) and wijk.lowest and wijk.lowest.group == "Centrum"
    assert wijk.without_figure == 1
    assert plain.reweight is None and plain.reweighted == []

    await container.bus.handle(c.UpdateProject("PARK", {"reweight": "wijk"}))
    async with container.uow() as uow:
        project = await uow.projects.by_code("PARK")
        assert project is not None
    async with container.reading() as uow:
        switched = await representation(uow, project)
        assert (await figures(uow, project.id or 0)).wijk == FIGURES["wijk"]
    [item] = switched.reweighted[0].items
    assert item.text == "Bankjes"
    assert item.raw == pytest.approx((8 * 2 + 4 * 4 + 5) / 13)
    # Centrum is 80 % of the people: the reweighted mean is 0.8 × 2 + 0.2 × 4
    assert item.reweighted == pytest.approx(2.4)
