"""The language pair a memory converts to (a table or XLIFF holds one) and what the conversion leaves out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tmkit.memory.langtags import lang_key, lang_matches, other_language, primary_subtag
from tmkit.memory.model import TranslationUnit


def default_target_language(languages: dict[str, int], source_lang: str) -> str:
    """The target a conversion of a memory with ``languages`` (variants per language) defaults to.

    The memory's most frequent language other than the source's (an English-source memory converts
    to its Arabic, not to English again), else tmkit's other language (`other_language`).
    """
    source_primary = primary_subtag(source_lang)
    for lang in sorted(languages, key=lambda key: -languages[key]):  # stable: ties keep file order
        if primary_subtag(lang) != source_primary:
            return lang
    return other_language(source_lang)


@dataclass(slots=True)
class PairSurvey:
    """What writing one language pair of a memory leaves out, so the conversion can say so."""

    source_lang: str
    target_lang: str
    #: Variants per language (comparison key) in neither language of the pair.
    other_languages: dict[str, int] = field(default_factory=dict)
    #: Units without a source variant (nothing to write for them).
    without_source: int = 0
    #: Units with two or more translations (target variants).
    several_translations: int = 0

    def notices(self, *, one_translation_per_unit: bool, keeps_units_without_source: bool) -> list[str]:
        """One line for each thing left out or changed.

        ``one_translation_per_unit``: the output keeps only a unit's first translation (XLIFF);
        ``keeps_units_without_source``: it still writes a unit lacking the source (XLIFF, with an empty source).
        """
        out: list[str] = []
        if self.other_languages:
            listed = ", ".join(f"{lang} ({count})" for lang, count in self.other_languages.items())
            out.append(
                f"{self.source_lang} → {self.target_lang} written; variants in {listed} are not "
                "(the output holds one language pair: choose it with --src/--tgt)"
            )
        if self.without_source:
            done = "are written with an empty source" if keeps_units_without_source else "are not written"
            out.append(f"{self.without_source} units without a {self.source_lang} variant {done}")
        if self.several_translations and one_translation_per_unit:
            out.append(
                f"{self.several_translations} units have more than one {self.target_lang} translation: "
                "only the first (the best-fitting tag) is written"
            )
        return out


def survey_pair(units: Iterable[TranslationUnit], *, source_lang: str, target_lang: str) -> PairSurvey:
    """What a conversion writing ``source_lang`` → ``target_lang`` of ``units`` leaves out."""
    survey = PairSurvey(source_lang, target_lang)
    for unit in units:
        src, targets = unit.pair(source_lang, target_lang)
        if src is None:
            survey.without_source += 1
        if len(targets) > 1:
            survey.several_translations += 1
        for variant in unit.variants:
            if not (
                lang_matches(variant.lang, source_lang, region_fallback=True)
                or lang_matches(variant.lang, target_lang, region_fallback=True)
            ):
                key = lang_key(variant.lang)
                survey.other_languages[key] = survey.other_languages.get(key, 0) + 1
    return survey
