"""One Mandarin syllable as a value: pinyin letters and a tone, checked against the syllable table.

Conventions (the rest of tongwen relies on them):

* ``letters`` is the pinyin spelling in lowercase ASCII, as written (y/w spellings kept, ``iu``,
  ``ui``, ``un`` not expanded), with ``v`` for ü. ü is written ``v`` only where pinyin writes the
  dots, i.e. after n and l (``lv``, ``nve``); after j, q, x and y it is ``u`` (``ju``, ``xue``,
  ``yuan``). ê (the interjection 欸) is ``ea``; erhua 儿 is ``r``; the syllabic nasals and
  interjections are ``m``, ``n``, ``ng``, ``hm``, ``hng``.
* ``tone`` is 1-4, or 5 for the neutral tone. Erhua ``r`` only takes tone 5.
* ``initial`` is one of the 21 consonant initials, or "" (zero initial): y and w are spelling,
  not initials (``yan`` has initial "" and final "ian"). ``hm``/``hng`` have initial "h".
* ``final`` is the standard (underlying) final in the same ASCII alphabet: y/w spellings and the
  contractions are undone (``you``/``liu`` → "iou", ``wei``/``gui`` → "uei", ``wen``/``lun`` →
  "uen", ``ju``/``yu``/``lv`` → "v", ``xue`` → "ve", ``yuan`` → "van", ``jun`` → "vn",
  ``yong``/``jiong`` → "iong", ``weng`` → "ueng", ``yo`` → "io"); the buzzing vowel of
  zhi/chi/shi/ri/zi/ci/si is "i"; ê is "ea", erhua "r", the nasals "m", "n", "ng".

The table is the standard syllable inventory (Xiandai Hanyu Cidian, including the marginal but
dictionary-listed dia, den, kei, nou, shei, zhei, tei, rua, chua, ...), plus rare syllables that
Unihan-derived pinyin data gives to a few characters (biang, fiao, cei, sei, ...: ``RARE``), the
interjections ê, hm, hng, m, n, ng (``INTERJECTIONS``) and erhua r. Anything else, including
spellings that break pinyin's rules (``qv``, ``jü``, ``wong``), is not a syllable.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from types import MappingProxyType

from tongwen.errors import InputError

__all__ = [
    "ERHUA",
    "INITIALS",
    "INTERJECTIONS",
    "NEUTRAL",
    "RARE",
    "STANDARD",
    "SYLLABLES",
    "TONES",
    "Syllable",
    "parse",
]

#: Tone numbers; 5 is the neutral tone.
TONES: tuple[int, ...] = (1, 2, 3, 4, 5)
NEUTRAL = 5
#: The erhua syllable (儿 after a syllable, as in 哪儿 na3 r5); neutral tone only.
ERHUA = "r"

#: The consonant initials, two-letter ones first (the order ``initial`` matches in).
INITIALS: tuple[str, ...] = (
    "zh", "ch", "sh",
    "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r", "z", "c", "s",
)

_STANDARD_BY_INITIAL = {
    "": "a o e ai ei ao ou an en ang eng er "
    "yi ya yo ye yao you yan yin yang ying yong "
    "wu wa wo wai wei wan wen wang weng yu yue yuan yun",
    "b": "ba bo bai bei bao ban ben bang beng bi bie biao bian bin bing bu",
    "p": "pa po pai pei pao pou pan pen pang peng pi pie piao pian pin ping pu",
    "m": "ma mo me mai mei mao mou man men mang meng mi mie miao miu mian min ming mu",
    "f": "fa fo fei fou fan fen fang feng fu",
    "d": "da de dai dei dao dou dan den dang deng dong di dia die diao diu dian ding "
    "du duo dui duan dun",
    "t": "ta te tai tei tao tou tan tang teng tong ti tie tiao tian ting tu tuo tui tuan tun",
    "n": "na ne nai nei nao nou nan nen nang neng nong ni nie niao niu nian nin niang ning "
    "nu nuo nuan nv nve",
    "l": "la lo le lai lei lao lou lan lang leng long li lia lie liao liu lian lin liang ling "
    "lu luo luan lun lv lve",
    "g": "ga ge gai gei gao gou gan gen gang geng gong gu gua guo guai gui guan gun guang",
    "k": "ka ke kai kei kao kou kan ken kang keng kong ku kua kuo kuai kui kuan kun kuang",
    "h": "ha he hai hei hao hou han hen hang heng hong hu hua huo huai hui huan hun huang",
    "j": "ji jia jie jiao jiu jian jin jiang jing jiong ju jue juan jun",
    "q": "qi qia qie qiao qiu qian qin qiang qing qiong qu que quan qun",
    "x": "xi xia xie xiao xiu xian xin xiang xing xiong xu xue xuan xun",
    "zh": "zha zhe zhi zhai zhei zhao zhou zhan zhen zhang zheng zhong "
    "zhu zhua zhuo zhuai zhui zhuan zhun zhuang",
    "ch": "cha che chi chai chao chou chan chen chang cheng chong "
    "chu chua chuo chuai chui chuan chun chuang",
    "sh": "sha she shi shai shei shao shou shan shen shang sheng "
    "shu shua shuo shuai shui shuan shun shuang",
    "r": "re ri rao rou ran ren rang reng rong ru rua ruo rui ruan run",
    "z": "za ze zi zai zei zao zou zan zen zang zeng zong zu zuo zui zuan zun",
    "c": "ca ce ci cai cao cou can cen cang ceng cong cu cuo cui cuan cun",
    "s": "sa se si sai sao sou san sen sang seng song su suo sui suan sun",
}

#: The standard syllables (letters), toneless.
STANDARD: frozenset[str] = frozenset(" ".join(_STANDARD_BY_INITIAL.values()).split())
#: Rare syllables found in Unihan-derived readings and CC-CEDICT (𰻞 biang, 覅 fiao, 塞 sei, ...).
RARE: frozenset[str] = frozenset(
    ["bia", "biang", "bong", "cei", "din", "fiao", "len", "nia", "nun", "sei"]
)
#: Interjections and syllabic nasals: ê (written ``ea``), 噷 hm, 哼 hng, 呣 m, 嗯 n and ng.
INTERJECTIONS: frozenset[str] = frozenset(["ea", "hm", "hng", "m", "n", "ng"])
#: Every valid ``Syllable.letters``.
SYLLABLES: frozenset[str] = STANDARD | RARE | INTERJECTIONS | {ERHUA}

_Y_FINALS = {
    "yi": "i", "ya": "ia", "yo": "io", "ye": "ie", "yao": "iao", "you": "iou", "yan": "ian",
    "yin": "in", "yang": "iang", "ying": "ing", "yong": "iong",
    "yu": "v", "yue": "ve", "yuan": "van", "yun": "vn",
    "wu": "u",
}
_CONTRACTED = {"iu": "iou", "ui": "uei", "un": "uen"}
_NO_SPLIT = {"ea": ("", "ea"), ERHUA: ("", "r"), "m": ("", "m"), "n": ("", "n"), "ng": ("", "ng")}


def _split(letters: str) -> tuple[str, str]:
    if letters in _NO_SPLIT:
        return _NO_SPLIT[letters]
    if letters in _Y_FINALS:
        return "", _Y_FINALS[letters]
    if letters.startswith("w"):
        return "", "u" + letters[1:]
    initial = next((i for i in INITIALS if letters.startswith(i) and letters != i), "")
    rest = letters[len(initial) :]
    if initial in ("j", "q", "x") and rest.startswith("u"):
        rest = "v" + rest[1:]
    else:
        rest = _CONTRACTED.get(rest, rest)
    return initial, rest


#: letters -> (initial, final), computed once for the whole table.
_PARTS: MappingProxyType[str, tuple[str, str]] = MappingProxyType(
    {letters: _split(letters) for letters in SYLLABLES}
)


@dataclass(frozen=True)
class Syllable:
    """A valid Mandarin syllable: ``letters`` (see the module docstring) and ``tone`` 1-5.

    Construction checks both and raises InputError for anything not in the table.
    """

    letters: str
    tone: int

    def __post_init__(self) -> None:
        if self.letters not in SYLLABLES:
            raise InputError(f"not a Mandarin syllable: {self.letters!r}")
        if type(self.tone) is not int or self.tone not in TONES:
            raise InputError(f"tone must be 1-5 (5 = neutral), got {self.tone!r}")
        if self.letters == ERHUA and self.tone != NEUTRAL:
            raise InputError(f"erhua r takes the neutral tone (5) only, got {self.tone}")

    @property
    def initial(self) -> str:
        """The consonant initial ("zh", "b", ...), or "" for a zero initial (y/w are spelling)."""
        return _PARTS[self.letters][0]

    @property
    def final(self) -> str:
        """The standard final, ASCII with v for ü: "ang", "iou" (liu, you), "v" (ju, lv), "i"."""
        return _PARTS[self.letters][1]

    def with_tone(self, tone: int) -> Syllable:
        """The same letters with another tone (InputError if invalid, e.g. r with tone 1)."""
        return Syllable(self.letters, tone)

    def __str__(self) -> str:
        """The numbered spelling: letters then the tone digit ("zhang3", "lv4", "le5")."""
        return f"{self.letters}{self.tone}"


_MARK_TONES = {
    "\u0304": 1,  # macron
    "\u0301": 2,  # acute
    "\u030c": 3,  # caron
    "\u0306": 3,  # breve, a common stand-in for the caron (Hànyŭ)
    "\u0300": 4,  # grave
}
_DIAERESIS = "\u0308"
_CIRCUMFLEX = "\u0302"
_MISSPELT = {"nue": "nve", "lue": "lve"}


def parse(reading: str) -> Syllable:
    """One syllable from pinyin with a tone number or tone marks; InputError if it is not one.

    Accepts "zhang3", "le5", "le" (no tone: neutral), "lv4", "lu:4", "lü4", "nü4", "LV4",
    "zhǎng", "lǜ", "lüè", "ḿ", "ê", "ea1", in NFC or NFD, any case; the misspellings "nue"/"lue"
    read as nüe/lüe. A tone mark may sit on any vowel (or nasal) of the syllable; a mark and a
    number together, two marks, a tone digit outside 1-5 or surrounding spaces are errors.
    """
    decomposed = unicodedata.normalize("NFD", reading)
    digit: int | None = None
    if decomposed[-1:].isdigit():
        if decomposed[-1] not in "12345":
            raise InputError(f"not a Mandarin syllable (tone must be 1-5): {reading!r}")
        digit, decomposed = int(decomposed[-1]), decomposed[:-1]
    mark: int | None = None
    letters: list[str] = []
    for char in decomposed:
        if char in _MARK_TONES:
            if mark is not None or not letters:
                raise InputError(f"not a Mandarin syllable (misplaced tone mark): {reading!r}")
            mark = _MARK_TONES[char]
        elif char == _DIAERESIS and letters and letters[-1] == "u":
            letters[-1] = "v"
        elif char == _CIRCUMFLEX and letters and letters[-1] == "e":
            letters[-1] = "ea"
        elif char == ":" and letters and letters[-1] == "u":
            letters[-1] = "v"
        elif "a" <= char.lower() <= "z" and char.isascii():
            letters.append(char.lower())
        else:
            raise InputError(f"not a Mandarin syllable: {reading!r}")
    if mark is not None and digit is not None:
        raise InputError(f"not a Mandarin syllable (tone mark and number): {reading!r}")
    spelt = "".join(letters)
    spelt = _MISSPELT.get(spelt, spelt)
    if spelt not in SYLLABLES:
        raise InputError(f"not a Mandarin syllable: {reading!r}")
    tone = mark if mark is not None else digit if digit is not None else NEUTRAL
    return Syllable(spelt, tone)
