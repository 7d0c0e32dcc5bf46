"""The clusters contract: ``inspraak organise CODE ROUND --suggest --format json`` and
``GET /api/v1/projects/{code}/rounds/{key}/clusters`` answer the same clusters, covering every
approved idea of the round exactly once, with the ids ``inspraak results`` lists."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path

import httpx

from config.settings import Settings
from core.domain import commands as c
from inspraak.bootstrap import bootstrap
from tests.conftest import SECRET
from tests.factories import project_toml
from tests.integration.test_cli import cli  # noqa: F401 - the fixture
from web.app import create_app

ROUNDS = """
moderation = "post"

[[rounds]]
key = "ideeen"
kind = "ideas"
question = "Wat wil je?"
state = "open"

[[rounds]]
key = "stellingen"
kind = "statements"
statements = ["Meer groen", "Minder auto's"]
state = "open"
"""

IDEAS = [
    "Meer bomen in de Lindelaan",
    "Extra bomen planten in de Lindelaan",
    "Plant meer bomen in de Lindelaan aub 🌳",
    "Minder bomen in de Lindelaan",
    "Een zebrapad bij de basisschool",
    "Zebrapad bij school zodat kinderen veilig oversteken",
    "Een speeltuin in Meerzicht",
    "Bankjes in het park, bel me op 0612345678",  # flagged: waits, then approved
    "Een speelplek voor kinderen in Meerzicht",  # merged into the speeltuin
    "Een ijsbaan op het marktplein",  # rejected
]


def settings_for(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=SECRET,
        data_dir=tmp_path / "var",
        _env_file=None,  # type: ignore[call-arg]
    )


async def seed(settings: Settings) -> dict[str, int]:
    """The ideas above, submitted by residents; the flagged one approved, one merged, one
    rejected. Returns idea ids by text."""
    container = bootstrap(settings, channels=False)
    try:
        async with container.uow() as uow:
            project = await uow.projects.by_code("GROENWEST")
            assert project is not None and project.id is not None
            rounds = {r.key: r for r in await uow.projects.rounds(project.id)}
        ids = {}
        for n, text in enumerate(IDEAS):
            resident = await container.bus.handle(c.GiveConsent(f"r{n}", project.id, "web", "nl"))
            ids[text] = await container.bus.handle(
                c.SubmitIdea(resident, rounds["ideeen"].id or 0, text)
            )
        await container.bus.handle(c.ApproveContribution("idea", ids[IDEAS[7]], None))
        await container.bus.handle(c.MergeIdeas(ids[IDEAS[8]], ids[IDEAS[6]], None))
        await container.bus.handle(c.RejectContribution("idea", ids[IDEAS[9]], "dubbel", None))
        return ids
    finally:
        await container.close()


async def ask_api(settings: Settings, token: str, *paths: str) -> list[httpx.Response]:
    container = bootstrap(settings, channels=False)
    try:
        transport = httpx.ASGITransport(app=create_app(container))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            headers = {"Authorization": f"Bearer {token}"}
            return [await client.get(path, headers=headers) for path in paths]
    finally:
        await container.close()


def prepared(cli, database_url: str, tmp_path: Path) -> tuple[Settings, str, dict[str, int]]:  # noqa: F811
    plan = tmp_path / "plan.toml"
    plan.write_text(project_toml("GROENWEST", ROUNDS), encoding="utf-8")
    assert cli("project", "import", str(plan)).returncode == 0
    assert cli("user", "create", "--email", "a@voorbeeld.nl", "--role", "admin").returncode == 0
    token = cli("user", "token", "--email", "a@voorbeeld.nl").stdout.strip().split()[-1]
    settings = settings_for(database_url, tmp_path)
    return settings, token, asyncio.run(seed(settings))


def test_cli_and_api_give_the_same_clusters_covering_every_approved_idea_once(
    cli,  # noqa: F811
    database_url: str,
    tmp_path: Path,
):
    settings, token, ids = prepared(cli, database_url, tmp_path)
    path = "/api/v1/projects/GROENWEST/rounds/ideeen/clusters"
    [answer] = asyncio.run(ask_api(settings, token, path))
    printed = cli("organise", "GROENWEST", "ideeen", "--suggest", "--format", "json")
    assert answer.status_code == 200 and printed.returncode == 0, printed.stderr
    assert answer.json() == json.loads(printed.stdout)

    clusters = answer.json()["clusters"]
    listed = Counter(i for cluster in clusters for i in cluster["ideas"])
    results = json.loads(cli("results", "GROENWEST", "--format", "json").stdout)
    approved = {i["id"] for i in results["rounds"][0]["ideas"] if i["status"] == "approved"}
    assert set(listed) == approved and set(listed.values()) == {1}
    assert ids[IDEAS[8]] not in listed and ids[IDEAS[9]] not in listed  # merged, rejected
    assert [ids[IDEAS[7]]] in [cluster["ideas"] for cluster in clusters]  # flagged: alone
    cluster_of = {i: n for n, cluster in enumerate(clusters) for i in cluster["ideas"]}
    trees = {cluster_of[ids[text]] for text in IDEAS[:3]}
    assert len(trees) == 1 and cluster_of[ids[IDEAS[3]]] not in trees  # the opposite apart
    assert cluster_of[ids[IDEAS[4]]] == cluster_of[ids[IDEAS[5]]]
    for cluster in clusters:
        assert cluster["label"] == next(i["text"] for i in results["rounds"][0]["ideas"]
                                        if i["id"] == cluster["ideas"][0])  # fmt: skip


def test_strictness_makes_smaller_clusters_and_the_text_format_lists_every_idea(
    cli,  # noqa: F811
    database_url: str,
    tmp_path: Path,
):
    settings, token, ids = prepared(cli, database_url, tmp_path)
    base = "/api/v1/projects/GROENWEST/rounds/ideeen/clusters"
    loose, strict = asyncio.run(
        ask_api(settings, token, f"{base}?strictness=0", f"{base}?strictness=1")
    )
    assert loose.json()["strictness"] == 0 and strict.json()["strictness"] == 1
    assert len(loose.json()["clusters"]) <= len(strict.json()["clusters"])
    text = cli("organise", "GROENWEST", "ideeen", "--suggest", "--strictness", "0.8").stdout
    assert "8 approved ideas" in text and "(strictness 0.80)" in text
    for text_of_idea in (IDEAS[0], IDEAS[4], IDEAS[7]):
        assert f"{ids[text_of_idea]}  {text_of_idea}" in text


def test_bad_requests_get_a_clear_answer_never_an_error_page(
    cli,  # noqa: F811
    database_url: str,
    tmp_path: Path,
):
    settings, token, _ = prepared(cli, database_url, tmp_path)
    base = "/api/v1/projects"
    answers = asyncio.run(
        ask_api(
            settings,
            token,
            f"{base}/NOPE/rounds/ideeen/clusters",
            f"{base}/GROENWEST/rounds/nope/clusters",
            f"{base}/GROENWEST/rounds/stellingen/clusters",
            f"{base}/GROENWEST/rounds/ideeen/clusters?strictness=1.5",
            f"{base}/GROENWEST/rounds/ideeen/clusters?strictness=nan",
            f"{base}/GROENWEST/rounds/ideeen/clusters?strictness=streng",
        )
    )
    assert [a.status_code for a in answers] == [404, 404, 409, 422, 422, 422]
    assert all(a.headers["content-type"] == "application/json" for a in answers)
    assert "not an ideas round" in answers[2].json()["detail"]
    without = asyncio.run(ask_api(settings, "", f"{base}/GROENWEST/rounds/ideeen/clusters"))
    assert without[0].status_code == 401

    statements = cli("organise", "GROENWEST", "stellingen", "--suggest")
    assert statements.returncode == 1 and "not an ideas round" in statements.stderr
    assert "no round nope" in cli("organise", "GROENWEST", "nope", "--suggest").stderr
    bad = cli("organise", "GROENWEST", "ideeen", "--suggest", "--strictness", "2")
    assert bad.returncode == 2 and "from 0 to 1" in bad.stderr
    assert "--suggest" in cli("organise", "GROENWEST", "ideeen").stderr
