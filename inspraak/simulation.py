"""Simulated residents: fill a demonstration project through the real conversation.

Each simulated resident is a web-chat visitor who answers what the dialogue asks, the way a
person would: they agree to take part, give a postcode and an age band (or skip them), send
an idea or two (or, offered an idea like theirs, mostly support that one instead), rate the
items, vote on the statements and give the draft a mark. Nothing is
written around the dialogue: every answer goes through ``Conversations.handle``, so the data is
exactly what real residents would leave behind, moderation flags and all.

Halfway, the simulation does what a facilitator would: it merges ideas written in exactly the
same words and fixes the shortlist of every round that draws on the ideas, so the residents who
come after rate one item per idea (:func:`organise`).

Residents fall into two leanings (green first, housing and parking first), so the statements
round has opinion groups to find. A fixed ``seed`` gives the same residents every time.

This is for trying inspraak out, for screenshots and for training facilitators: the command
refuses a project other than the demo unless told otherwise (see ``inspraak simulate``).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.dialogue import buttons as b
from core.dialogue.state import State, StepName
from core.domain import commands as c
from core.domain.model import RoundKind
from core.messages import Incoming, IncomingKind, Option
from core.services.offered_ideas import IDEA_STEPS

if TYPE_CHECKING:
    from inspraak.bootstrap import Container

CHANNEL = "web"
MAX_TURNS = 200  # a resident who is still talking after this many answers stops

# Ideas residents type: several say the same thing in other words, as real residents do.
IDEAS = (
    "Meer bomen langs de Kanaalweg, daar is het 's zomers bloedheet",
    "Bomen planten op de Kanaalweg voor schaduw",
    "Een bankje en schaduw bij de bushalte op het Marktplein",
    "Groene daken op het gemeentehuis en de sporthal",
    "Subsidie voor groene daken voor bewoners",
    "Een hondenuitlaatveld zodat honden niet meer in het park poepen",
    "Meer prullenbakken in het Oosterpark",
    "Prullenbakken in het park, er ligt overal afval",
    "Een buurtmoestuin bij de basisschool",
    "Minder parkeerplaatsen in de Dorpsstraat, meer ruimte voor groen en spelen",
    "Drinkwaterpunten in het park voor hete dagen",
    "Een watertappunt in het Oosterpark",
    "Tegels eruit bij de flats aan de Lindelaan en er een grasveld van maken",
    "Zonnepanelen op de parkeerplaats met groen eronder",
    "Meer verlichting in het park zodat het 's avonds veilig voelt",
    "Bloemrijke bermen voor bijen in plaats van kort gras",
)
# Which ideas above are the same proposal in other words (same number: same proposal).
IDEA_GROUPS = (0, 0, 1, 2, 2, 3, 4, 4, 5, 6, 7, 7, 8, 9, 10, 11)
SUPPORTS_THE_SAME = 0.85  # offered their own proposal in another's words: they support it
COMMENTS = (
    "Goed plan, maar begin in de straten zonder één boom.",
    "Vergeet het onderhoud niet, anders wordt het een rommeltje.",
    "Prima, als er genoeg parkeerplaatsen overblijven voor bewoners.",
    "Te weinig ambitie: 500 bomen is niets voor zo'n grote wijk.",
    "Betrek de scholen erbij, kinderen willen graag helpen.",
    "Ik mis de ouderen in het plan: meer bankjes in de schaduw.",
)
POSTCODES = ("5041 AB", "5041 KL", "5042 CD", "5043 EF", "5043 XZ", "5044 GH")
AGE_WEIGHTS = {"<18": 1, "18-29": 3, "30-44": 5, "45-64": 5, "65+": 3}
# What each leaning thinks of a statement: the chance of agreeing, by words in it.
LEANINGS: tuple[dict[str, float], ...] = (
    {"parkeer": 0.85, "helpen": 0.8, "woningen": 0.15, "onderhoud": 0.7, "gekapt": 0.2},
    {"parkeer": 0.2, "helpen": 0.55, "woningen": 0.8, "onderhoud": 0.3, "gekapt": 0.7},
)


@dataclass
class Resident:
    """One simulated resident: their leaning, their patience and their own dice."""

    number: int
    leaning: int
    rounds_left: int  # how many rounds they finish before they stop
    dice: random.Random
    ideas_left: int = 1
    rounds_seen: set[int] = field(default_factory=set)
    idea: int | None = None  # the idea (index in IDEAS) they typed last

    def stays_for(self, options: list[Option]) -> bool:
        """False once the question belongs to a round beyond this resident's patience."""
        for option in options:
            action = b.decode(option.data)
            if isinstance(action, b.Idea | b.Rate | b.Vote | b.Feedback):
                self.rounds_seen.add(action.round_id)
                return len(self.rounds_seen) <= self.rounds_left
        return True

    @property
    def token(self) -> str:
        return f"simulated-{self.number}"


@dataclass
class SimulationReport:
    residents: int = 0
    answers: Counter[str] = field(default_factory=Counter)
    published: list[str] = field(default_factory=list)


def _score(dice: random.Random, centre: float, low: int, high: int) -> int:
    return max(low, min(high, round(dice.gauss(centre, 0.7 * (high - low) / 4))))


def _item_centre(item_id: int, criterion: int, leaning: int, scores: list[int]) -> float:
    """How an item scores on a criterion, the same for every resident of a leaning."""
    low, high = scores[0], scores[-1]
    base = low + (high - low) * random.Random(item_id * 31 + criterion).uniform(0.15, 0.8)
    return base + (0.4 if leaning == 0 and criterion == 0 else 0.0)


def _choose(
    resident: Resident, question: str, options: list[Option], report: SimulationReport
) -> str | None:
    """The data of the option this resident picks, or None when none fits."""
    actions = [(o.data, b.decode(o.data)) for o in options]
    dice = resident.dice
    rates = [a for _, a in actions if isinstance(a, b.Rate) and a.score is not None]
    if rates:
        scores = sorted(a.score for a in rates if a.score is not None)
        centre = _item_centre(rates[0].item_id, rates[0].criterion, resident.leaning, scores)
        wanted = _score(dice, centre, scores[0], scores[-1])
        report.answers["rating"] += 1
        return next(a.data() for a in rates if a.score == wanted)
    votes = [a for _, a in actions if isinstance(a, b.Vote)]
    if votes:
        report.answers["vote"] += 1
        return b.Vote(votes[0].round_id, votes[0].item_id, _vote(resident, question)).data()
    marks = [a for _, a in actions if isinstance(a, b.Feedback) and a.score is not None]
    if marks:
        scored = sorted(a.score for a in marks if a.score is not None)
        report.answers["feedback"] += 1
        centre = scored[0] + (scored[-1] - scored[0]) * (0.7 if resident.leaning == 0 else 0.5)
        wanted = _score(dice, centre, scored[0], scored[-1])
        return next(a.data() for a in marks if a.score == wanted)
    for data, action in actions:
        if isinstance(action, b.Consent) and action.yes:
            return data
        if isinstance(action, b.Age):
            bands = [a.band for _, a in actions if isinstance(a, b.Age) and a.band != "skip"]
            if not bands or dice.random() < 0.1:
                return b.Age("skip").data()
            weights = [AGE_WEIGHTS.get(band, 1) for band in bands]
            return b.Age(dice.choices(bands, weights)[0]).data()
        if isinstance(action, b.Idea) and action.action == "send":
            report.answers["idea"] += 1
            return data
    ideas = {a.action: d for d, a in actions if isinstance(a, b.Idea)}
    if resident.ideas_left > 0 and set(ideas) == {"done"}:
        return None  # asked to type an idea: they will
    if "more" in ideas and resident.ideas_left > 0:
        return ideas["more"]
    if "done" in ideas:
        return ideas["done"]
    for data, action in actions:
        if isinstance(action, b.Go | b.Join):
            return data
    return None


def _typed(resident: Resident, step: StepName | None, report: SimulationReport) -> str | None:
    """What this resident types where the dialogue waits for words, or None to stop."""
    dice = resident.dice
    if step == StepName.PROFILE_POSTCODE:
        return dice.choice(POSTCODES) if dice.random() < 0.85 else None
    if step == StepName.IDEA_TEXT and resident.ideas_left > 0:
        resident.ideas_left -= 1
        resident.idea = dice.randrange(len(IDEAS))
        return IDEAS[resident.idea]
    if step == StepName.FEEDBACK_TEXT and dice.random() < 0.5:
        report.answers["comment"] += 1
        return dice.choice(COMMENTS)
    return None


def _similar(
    resident: Resident, options: list[Option], report: SimulationReport
) -> Incoming | None:
    """Offered ideas like theirs: support the one that is the same proposal (mostly), else
    say theirs is different. None when no similar ideas are offered."""
    offered = [(o, b.decode(o.data)) for o in options]
    supports = [o for o, action in offered if isinstance(action, b.Support)]
    if not supports:
        return None
    own = IDEA_GROUPS[resident.idea] if resident.idea is not None else None
    same = [o for o in supports if own is not None and _group_of(o.label) == own]
    if same and resident.dice.random() < SUPPORTS_THE_SAME:
        report.answers["support"] += 1
        return Incoming.choice(same[0].data)
    report.answers["idea"] += 1
    return Incoming.message("anders")


def _group_of(label: str) -> int | None:
    """The proposal an offered idea's (possibly shortened) label stands for."""
    start = label.rstrip("\u2026")
    return next((g for text, g in zip(IDEAS, IDEA_GROUPS, strict=True) if text.startswith(start)),
                None)  # fmt: skip


def _vote(resident: Resident, statement: str) -> b.VoteAnswer:
    if resident.dice.random() < 0.08:
        return "p"
    # The statement just asked decides, by its words, what this resident's leaning thinks.
    text = statement.lower()
    leaning = LEANINGS[resident.leaning]
    chance = next((p for word, p in leaning.items() if word in text), 0.5)
    return "a" if resident.dice.random() < chance else "d"


async def _talk(
    container: Container, code: str, resident: Resident, report: SimulationReport
) -> None:
    """One resident's whole conversation, answer by answer."""
    conversations = container.conversations
    pseudonym = conversations.pseudonym(CHANNEL, resident.token)
    incoming: Incoming | None = Incoming.start(code)
    for _ in range(MAX_TURNS):
        if incoming is None:
            return
        if incoming.kind == IncomingKind.TEXT:
            await _ideas_indexed(container, pseudonym)
        outcome = await conversations.handle(CHANNEL, resident.token, incoming, keep_log=True)
        asked = [r for r in outcome.replies if r.options]
        if asked and not resident.stays_for(asked[-1].options):
            return
        similar = _similar(resident, asked[-1].options, report) if asked else None
        if similar is not None:
            incoming = similar
            continue
        question = " ".join(r.text for r in outcome.replies)
        chosen = _choose(resident, question, asked[-1].options, report) if asked else None
        if chosen is not None:
            incoming = Incoming.choice(chosen)
            continue
        async with container.reading() as uow:
            stored = await uow.dialogue.load(pseudonym)
        step = StepName.of((stored or {}).get("step"))
        typed = _typed(resident, step, report)
        if typed is None and asked:
            skip = _skip(asked[-1].options)
            incoming = Incoming.choice(skip) if skip else None
        else:
            incoming = None if typed is None else Incoming.message(typed)


async def _ideas_indexed(container: Container, pseudonym: str) -> None:
    """Wait, however long it takes, until the resident's ideas round has its similar-idea index.

    A chat step waits two seconds at most and then offers nothing; whether a simulated resident
    is offered an idea (and supports it, which decides the shortlist) must follow the seed, not
    how busy the machine is.
    """
    async with container.reading() as uow:
        state = State.from_dict(await uow.dialogue.load(pseudonym))
    if state.step in IDEA_STEPS and state.round_id is not None:
        await container.similar_ideas.prepare(container.reading, state.round_id, wait=600.0)


def _skip(options: list[Option]) -> str | None:
    """The option that skips the question, when there is one (postcode, comment)."""
    for option in options:
        action = b.decode(option.data)
        if isinstance(action, b.SkipPostcode) or (
            isinstance(action, b.Feedback) and action.score is None
        ):
            return option.data
    return None


async def simulate(
    container: Container, code: str, residents: int, *, seed: int = 1, publish: bool = False
) -> SimulationReport:
    """Let ``residents`` simulated residents take part in project ``code``; optionally
    publish every round that has answers, as the facilitator would."""
    report = SimulationReport()
    dice = random.Random(seed)
    container.database.catalogue.seed(seed)  # which items each resident is shown
    for number in range(residents):
        if number == residents // 2:
            await organise(container, code)
        resident = Resident(
            number=seed * 100_000 + number,
            leaning=0 if dice.random() < 0.6 else 1,
            rounds_left=dice.choices([1, 2, 3, 4], [1, 2, 3, 6])[0],
            dice=random.Random(dice.random()),
            ideas_left=dice.choices([0, 1, 2], [2, 5, 2])[0],
        )
        await _talk(container, code, resident, report)
        report.residents += 1
    if publish:
        report.published = await _publish(container, code)
    return report


async def organise(container: Container, code: str) -> int:
    """Merge ideas of the same words into the first one written and fix every shortlist, as a
    facilitator would halfway through; return how many ideas were merged."""
    async with container.reading() as uow:
        project = await uow.projects.by_code(code)
        rounds = await uow.projects.rounds(project.id or 0) if project else []
        ideas = {
            rnd.key: await uow.contributions.ideas_of_round(rnd.id or 0, True)
            for rnd in rounds
            if rnd.kind == RoundKind.IDEAS
        }
    merged = 0
    for found in ideas.values():
        first: dict[str, int] = {}
        for idea in sorted(found, key=lambda i: i.id or 0):
            words = " ".join(idea.text.casefold().split())
            if words in first:
                await container.bus.handle(c.MergeIdeas(idea.id or 0, first[words]))
                merged += 1
            else:
                first[words] = idea.id or 0
    for rnd in rounds:
        if rnd.items_from in ideas:
            await container.bus.handle(c.ApplyShortlist(rnd.id or 0))
    return merged


async def _publish(container: Container, code: str) -> list[str]:
    async with container.reading() as uow:
        project = await uow.projects.by_code(code)
        rounds = await uow.projects.rounds(project.id or 0) if project else []
    published = []
    for rnd in rounds:
        if rnd.results_published_at is None and rnd.id is not None:
            await container.bus.handle(c.PublishResults(rnd.id))
            published.append(rnd.key)
    return published
