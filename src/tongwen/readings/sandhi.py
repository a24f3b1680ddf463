"""Spoken tones (opt-in): 一 and 不 change before other tones, and third tones before a third
tone inside a word become second tones. Lexical readings stay the default everywhere else."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from tongwen.readings.assign import Choice

__all__ = ["apply_sandhi"]

#: 一 keeps its first tone read as a digit (一九八四), in ordinals and teens (第一, 十一), and
#: at the end of a phrase before a particle (统一的).
DIGITS = set("〇零一二三四五六七八九")
BEFORE_DIGIT = DIGITS | set("第初十")
PARTICLES = set("的地得了着过吗呢吧啊")


def _tone(choice: Choice | None) -> int | None:
    if choice is None or choice.reading is None:
        return None
    return int(choice.reading[-1])


def _with_tone(choice: Choice, tone: int) -> Choice:
    assert choice.reading is not None
    return replace(choice, reading=choice.reading[:-1] + str(tone))


def _yi_bu(text: str, choices: list[Choice]) -> None:
    for i, (char, choice) in enumerate(zip(text, choices, strict=True)):
        nxt = choices[i + 1] if i + 1 < len(choices) else None
        following = _tone(nxt)
        if following is None:
            continue
        if char == "不" and choice.reading == "bu4" and following == 4:
            choices[i] = _with_tone(choice, 2)
        elif char == "一" and choice.reading == "yi1":
            prev = text[i - 1] if i > 0 else ""
            ends_word = choice.word is not None and choice.word[1] == i + 1 and choice.word[0] < i
            if prev in BEFORE_DIGIT or text[i + 1] in DIGITS | PARTICLES or ends_word:
                continue
            choices[i] = _with_tone(choice, 2 if following in (4, 5) else 4)


def _third_tones(choices: list[Choice]) -> None:
    """Inside one word, every third tone before another third tone reads as a second tone."""
    for i in range(len(choices) - 1):
        here, nxt = choices[i], choices[i + 1]
        same_word = here.word is not None and here.word == nxt.word
        if same_word and _tone(here) == 3 and _tone(nxt) == 3:
            choices[i] = _with_tone(here, 2)


def apply_sandhi(text: str, choices: Sequence[Choice]) -> list[Choice]:
    """The choices with spoken tones; ``text`` is the text they were assigned on."""
    out = list(choices)
    _third_tones(out)
    _yi_bu(text, out)
    return out
