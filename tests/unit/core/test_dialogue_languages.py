"""The resident dialogue's catalogs in Turkish, Arabic, Polish and Ukrainian: complete, with
every placeholder kept, and read over English where a text is missing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from core.i18n import (
    DIALOGUE_LANGUAGES,
    LANGUAGE_NAMES,
    RESIDENT_LANGUAGES,
    gettext_for,
    normalise_language,
    resident_language,
    text_direction,
)

LOCALE = Path(__file__).resolve().parents[3] / "core" / "locale"
PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)s")


def _catalog(path: Path, lang: str | None = None):
    with path.open("rb") as f:
        return read_po(f, locale=lang)


@pytest.mark.parametrize("lang", DIALOGUE_LANGUAGES)
def test_every_dialogue_text_is_translated_with_its_placeholders(lang: str):
    wanted = {m.id for m in _catalog(LOCALE / "dialogue.pot") if m.id}
    catalog = _catalog(LOCALE / lang / "LC_MESSAGES" / "dialogue.po", lang)
    done = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    assert wanted <= set(done)
    for message_id, text in done.items():
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(message_id)), (
            message_id
        )
        assert text != message_id or message_id in ("inspraak:", "OK."), message_id


def test_a_resident_language_reads_its_catalog_and_english_where_it_has_none():
    assert gettext_for("tr").gettext("Agree") == "Katılıyorum"
    assert gettext_for("uk-UA").gettext("Agree") == "Згоден/згодна"
    # a facilitator text is not in the dialogue domain: English, never an empty string
    assert gettext_for("pl").gettext("Welcome to the web area") == "Welcome to the web area"
    assert gettext_for("nl").gettext("Agree") == "Eens"


def test_pages_stay_dutch_or_english_while_the_chat_knows_six_languages():
    assert normalise_language("ar") == "nl" and normalise_language("en-US") == "en"
    assert resident_language("ar-EG") == "ar" and resident_language("de") == "nl"
    assert set(LANGUAGE_NAMES) == set(RESIDENT_LANGUAGES)
    assert text_direction("ar") == "rtl" and text_direction("uk") == "ltr"


def test_the_check_fails_on_a_missing_dialogue_translation(tmp_path, monkeypatch):
    import tools.i18n as i18n

    copy = tmp_path / "locale"
    shutil.copytree(LOCALE, copy)
    monkeypatch.setattr(i18n, "LOCALE", copy)
    assert i18n.check() == 0
    po = copy / "pl" / "LC_MESSAGES" / "dialogue.po"
    po.write_text(po.read_text().replace('msgstr "Zgadzam się"', 'msgstr ""'))
    assert i18n.check() == 1
    assert i18n.missing("pl", "dialogue") == ["Agree"]
