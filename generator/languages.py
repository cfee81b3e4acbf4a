"""Language tags as each output wants them.

A lesson writes a language as a short BCP 47 tag (``ru``, ``pt-BR``, ``sr-Latn``). A
PDF takes it as written. Word and PowerPoint pick spelling dictionaries, hyphenation
and voices by a language *and* region (``ru-RU``), so a tag without a region gets the
region most often meant (Unicode CLDR's likely subtags, as Babel ships them). Word also
keeps separate languages for text in complex scripts (Arabic, Hebrew, Devanagari, Thai
...) and for East Asian text, so a language written in one of those scripts is named
there too, or Word would go on checking its characters as the lesson's language.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

# ISO 15924 scripts Word treats as complex (its w:bidi/w:cs language) or East Asian.
COMPLEX_SCRIPTS = frozenset(
    {"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Deva", "Beng", "Guru", "Gujr", "Orya"}
    | {"Taml", "Telu", "Knda", "Mlym", "Sinh", "Thai", "Laoo", "Tibt", "Khmr", "Mymr"}
)
EAST_ASIAN_SCRIPTS = frozenset({"Hans", "Hant", "Hani", "Jpan", "Hira", "Kana", "Kore", "Hang"})
RIGHT_TO_LEFT_SCRIPTS = frozenset({"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg"})
# Languages written in more than one script, whose wording differs by script: Chinese
# (Simplified, Traditional), Serbian, Uzbek, Azerbaijani, Bosnian (Cyrillic, Latin),
# Punjabi, Sindhi, Kashmiri (Arabic, an Indian script), Mongolian, Malay, Hausa, Fula.
SCRIPTS_VARY = frozenset({"zh", "sr", "uz", "az", "bs", "pa", "sd", "ks", "mn", "ms", "ha", "ff"})
# The script of a language written right to left, for a tag that names none: what its
# direction and its choice letters follow, without reading CLDR's tables for every tag.
WRITTEN_IN = (
    dict.fromkeys(("he", "iw", "yi"), "Hebr")
    | dict.fromkeys(("ar", "fa", "ur", "ps", "sd", "ug", "ckb"), "Arab")
    | {"dv": "Thaa", "syr": "Syrc", "nqo": "Nkoo"}
)


def _written(tag: str) -> tuple[str, str, str]:
    """The (language, script, region) subtags *tag* writes ('' for those it leaves out)."""
    language, *rest = tag.split("-")
    script = next((p.title() for p in rest if len(p) == 4 and p.isalpha()), "")
    region = next((p.upper() for p in rest if len(p) == 2 or (len(p) == 3 and p.isdigit())), "")
    return language.lower(), script, region


@functools.cache
def _likely(tag: str) -> tuple[str, str]:
    """The (script, region) *tag* writes or, where it leaves them out, those CLDR expects
    ('' when it has no guess)."""
    from babel.core import get_global

    language, script, region = _written(tag)
    likely = get_global("likely_subtags")
    keys = (f"{language}_{script or region}", language)  # zh-TW is Traditional, zh Simplified
    guess = next((likely[key] for key in keys if key in likely), "").split("_")
    if len(guess) == 3:
        return script or guess[1], region or guess[2]
    return script, region


def text_tags(tag: str) -> list[str]:
    """The tags whose text serves *tag*, from the most general, lower case: ``de`` then
    ``de-at`` for de-AT. A language written in more than one script has its script's tag
    between them (zh-TW: ``zh``, ``zh-hant``, ``zh-tw``), the one the tag names or else
    the one its region writes (zh-TW and zh-HK are Traditional, zh and zh-SG Simplified)."""
    parts = tag.lower().replace("_", "-").split("-")
    script = _text_script(tag).lower()
    chain = (parts[0], f"{parts[0]}-{script}" if script else "", "-".join(parts))
    return [name for name in dict.fromkeys(chain) if name]


def _text_script(tag: str) -> str:
    """The script *tag* names or, for a language written in several, CLDR expects; ''
    for any other language, which one script serves (and CLDR's data is not read)."""
    language, script, _ = _written(tag)
    if script or language not in SCRIPTS_VARY:
        return script
    return _likely(tag)[0]


def _script(tag: str) -> str:
    """The script *tag* names, else the right-to-left one its language is written in."""
    language, script, _ = _written(tag)
    return script or WRITTEN_IN.get(language, "")


def reads_right_to_left(tag: str) -> bool:
    """Whether text in *tag* reads right to left (``he``, ``fa-IR``, ``az-Arab``)."""
    return _script(tag) in RIGHT_TO_LEFT_SCRIPTS


def aligned_side(align: str, right_to_left: bool) -> str:
    """Where *align* ('left', 'center' or 'right', as a left-to-right text has them: where
    its lines start, their middle, where they end) sets a line of a text that runs
    *right_to_left* or not: a table's column aligned 'left' in Hebrew starts on the right."""
    return {"left": "right", "right": "left"}.get(align, align) if right_to_left else align


def office_tag(tag: str) -> str:
    """*tag* with a region, as Word and PowerPoint name languages: ``ru`` -> ``ru-RU``,
    ``sr-Latn`` -> ``sr-Latn-RS``; a tag that names its region (or whose language CLDR
    does not know) stays as it is."""
    language, script, written_region = _written(tag)
    region = _likely(tag)[1]
    if written_region or not region:
        return tag
    return "-".join(part for part in (language, script, region) if part)


def word_languages(tag: str) -> dict[str, str]:
    """The attributes of Word's ``w:lang`` for text in *tag*: its language for Latin
    letters (``val``) and, when it is written in one, for its complex or East Asian script."""
    name = office_tag(tag)
    script = _likely(tag)[0]
    found = {"val": name}
    if script in COMPLEX_SCRIPTS:
        found["bidi"] = name
    elif script in EAST_ASIAN_SCRIPTS:
        found["eastAsia"] = name
    return found


@dataclass(frozen=True)
class Lettering:
    """How a language letters the choices of a question: its letters in order (lower
    case where its script has cases), and the list formats Word and PowerPoint count
    them with, so a letter the answer key quotes is the one the handout shows."""

    letters: str
    word: str  # Word's w:numFmt
    slides: str  # PowerPoint's a:buAutoNum scheme

    def letter(self, index: int, *, upper: bool = False) -> str:
        """The letter of choice *index* (from 0); after the last, doubled, as Word counts."""
        letter = self.letters[index % len(self.letters)] * (index // len(self.letters) + 1)
        return letter.upper() if upper else letter


LATIN_LETTERS = Lettering("abcdefghijklmnopqrstuvwxyz", "lowerLetter", "alphaUcPeriod")
LETTERINGS = {
    "Hebr": Lettering("אבגדהוזחטיכלמנסעפצקרשת", "hebrew2", "hebrew2Minus"),
    "Arab": Lettering("أبجدهوزحطيكلمنسعفصقرشتثخذضظغ", "arabicAbjad", "arabic2Minus"),
}


def lettering(tag: str) -> Lettering:
    """How a lesson in *tag* letters its choices: Hebrew and Arabic with their own
    alphabets (א ב ג, أ ب ج), every other language with Latin letters."""
    return LETTERINGS.get(_script(tag), LATIN_LETTERS)
