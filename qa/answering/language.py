"""Is a question English? The reader and the retrieval only know English, so a question in another
language gets "I can read English only" instead of "nothing in the articles answers this".

No language model is needed for a question: letters of another script (Cyrillic, Greek, Arabic,
Hebrew, CJK, Devanagari, ...) give it away, and a Latin-script question in French, German, Spanish,
Italian, Portuguese or Dutch holds more of their function words than of English's (the stop-word method
of language identification, after Grefenstette 1995). Names alone ("Dmitry Peskov?") are not judged.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["question_language"]

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)

# Frequent function words, each of one language only (words shared with English left out).
_FUNCTION_WORDS = {
    "French": "le la les de des du est sont qui que quoi quel quelle quels où pourquoi comment combien une "
    "dans pour avec sur pas ce cette ces il elle ils elles nous vous a été aux et ou",
    "German": "der die das den dem des und ist sind wer was wie wo warum wann welche welcher welches "
    "viele ein eine einen nicht mit von zu auf für hat haben wurde wurden im vom zum zur sich",
    "Spanish": "el los las de del es son quién quiénes qué cuál cuáles dónde cómo cuándo cuánto cuántos "
    "por qué una unos con para se su sus al y fue ha han lo le",
    "Italian": "il lo gli della delle dei è sono chi che cosa quale dove come quando perché quanti "
    "una di per con non si ha hanno nel nella al alla",
    "Portuguese": "o os as de do da dos das é são quem que qual onde como quando porquê quantos uma "
    "em para com não se foi tem no na ao",
    "Dutch": "de het een is zijn wie wat waar hoe wanneer waarom welke niet met van op voor heeft "
    "hebben werd en",
}
_ENGLISH = set(
    """the a an is are was were be been who whom whose what which where when why how did does do
    of in on at to for with by from and or not that this these those has have had it its he she they
    his her their said says say many much there as so if but than then about after into over most
    more only also all any one two first new""".split()
)
_FOREIGN = {language: set(words.split()) - _ENGLISH for language, words in _FUNCTION_WORDS.items()}
_SCRIPTS = ("CYRILLIC", "GREEK", "ARABIC", "HEBREW", "CJK", "HIRAGANA", "KATAKANA", "HANGUL", "DEVANAGARI",
            "THAI", "ARMENIAN", "GEORGIAN", "BENGALI", "TAMIL")  # fmt: skip
_SCRIPT_NAMES = {"CJK": "Chinese or Japanese", "HIRAGANA": "Japanese", "KATAKANA": "Japanese",
                 "HANGUL": "Korean", "THAI": "Thai"}  # fmt: skip


def question_language(question: str) -> str | None:
    """The language or script a question is written in when it is clearly not English ("German",
    "Cyrillic script"), else None (English, or too little to tell)."""
    letters = [c for c in question if c.isalpha()]
    if not letters:
        return None
    scripts: dict[str, int] = {}
    for c in letters:
        if ord(c) < 0x250:  # Latin letters, accented ones included
            continue
        name = unicodedata.name(c, "")
        script = next((s for s in _SCRIPTS if name.startswith(s)), None)
        if script:
            scripts[script] = scripts.get(script, 0) + 1
    if scripts:
        script, count = max(scripts.items(), key=lambda item: item[1])
        if count > len(letters) / 2:
            return _SCRIPT_NAMES.get(script, f"{script.title()} script")
    words = [w.lower() for w in _WORD.findall(question)]
    if len(words) < 3:
        return None
    english = sum(w in _ENGLISH for w in words)
    counts = {language: sum(w in vocabulary for w in words) for language, vocabulary in _FOREIGN.items()}
    language, count = max(counts.items(), key=lambda item: item[1])
    return language if count >= 2 and count > 2 * english else None
