"""The demo in French: its pages translated with wagtail-localize, string by string, from the
French content files (``content/fr/``), as a translator would in the admin's editor. The French
pages then follow their English sources: when a source changes, its translation shows what is
out of date.

A French file mirrors its English one (the same tables, keys and list lengths, the same HTML
tags in the same order), so walking both side by side pairs every English text with its
French: a dictionary from each string wagtail-localize extracts to its translation.
"""

from django.utils.text import slugify

from wagtail.models import Locale, Page

import polib
from wagtail_localize.models import Translation, TranslationSource
from wagtail_localize.strings import StringValue, extract_strings

from .data import content

LANGUAGE = "fr"
#: The content files that have a French version, in ``content/fr/``.
TRANSLATED = ("workshops", "guides", "union", "requests")


def text_pairs(english, french):
    """``(English, French)`` for every text of two parallel structures; a table or guide
    absent from the French is skipped."""
    if isinstance(english, dict) and isinstance(french, dict):
        for key in english.keys() & french.keys():
            yield from text_pairs(english[key], french[key])
    elif isinstance(english, list) and isinstance(french, list):
        for pair in zip(english, french, strict=False):
            yield from text_pairs(*pair)
    elif isinstance(english, str) and isinstance(french, str) and english != french:
        yield english, french


def strings_in(text):
    """What wagtail-localize makes of ``text``: the text as one plain string, then the strings
    of its HTML (a paragraph or list item each), when it is HTML."""
    strings = [StringValue.from_plaintext(text).data]
    if "<" in text:
        _template, found = extract_strings(text)[:2]
        strings.extend(value.data for value, _attrs in found)
    return strings


def slugs(english, french):
    """English slug → French slug, from the titles of the pages both files name."""
    pairs = {}

    def pages(english, french):
        if isinstance(english, dict) and isinstance(french, dict):
            if isinstance(english.get("slug"), str) and isinstance(french.get("title"), str):
                pairs[english["slug"]] = slugify(french["title"])
            for key in english.keys() & french.keys():
                pages(english[key], french[key])
        elif isinstance(english, list) and isinstance(french, list):
            for pair in zip(english, french, strict=False):
                pages(*pair)

    pages(english, french)
    return pairs


def dictionary():
    """Every English string of the demo's pages with its French."""
    words = {}
    for name in TRANSLATED:
        english, french = content(name), content(f"fr/{name}")
        for source, translation in text_pairs(english, french):
            source_strings, translated_strings = strings_in(source), strings_in(translation)
            words.setdefault(source_strings[0], translated_strings[0])
            if len(source_strings) == len(translated_strings):
                for pair in zip(source_strings[1:], translated_strings[1:], strict=True):
                    words.setdefault(*pair)
        words.update(slugs(english, french))
    guides = content("guides"), content("fr/guides")
    words[guides[0]["page_slug"]] = slugify(guides[1]["page_title"])
    return words


def french_locale():
    locale, _created = Locale.objects.get_or_create(language_code=LANGUAGE)
    return locale


def translate(instance, words, locale, created):
    """Translate ``instance`` (a page or snippet) into ``locale`` with ``words`` and publish it,
    through wagtail-localize as its editor does. Returns the translation, or None when it
    exists already (a translation is never made twice, nor changed once made)."""
    existing = instance.get_translation_or_none(locale)
    if existing is not None:
        return None
    source, _created = TranslationSource.get_or_create_from_instance(instance)
    translation, _created = Translation.objects.get_or_create(source=source, target_locale=locale)
    po = polib.POFile()
    for entry in translation.export_po():
        if entry.msgid in words:
            entry.msgstr = words[entry.msgid]
            po.append(entry)
    translation.import_po(po, tool_name="demo")
    if not isinstance(instance, Page):  # a snippet, saved as it is translated
        translation.save_target()
        created[f"translated {instance._meta.verbose_name_plural}"] += 1
        return instance.get_translation(locale)
    # Saved as a draft, then published at once: wagtail-localize publishes when the transaction
    # commits, and the demo loads in one transaction, where a parent published at the end
    # would be saved over its children.
    translation.save_target(publish=False)
    translated = instance.get_translation(locale)
    translated.get_latest_revision().publish()
    created["translated pages"] += 1
    return translated


def load_translations(pages, created):
    """The French of ``pages`` (parents before their children)."""
    words = dictionary()
    locale = french_locale()
    for page in pages:
        translate(page, words, locale, created)


def load_program_translations(programs, created):
    """The French of ``programs`` (snippets in English): their titles and descriptions."""
    words = dictionary()
    locale = french_locale()
    for program in programs:
        translate(program, words, locale, created)
