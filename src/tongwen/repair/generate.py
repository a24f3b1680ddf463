"""A generator of polluted web text, and of the hard negatives a detector must leave alone.

The polluter, reverse-engineered from ``../shared/examples/seed-page.txt``:

1. simplified text is converted to traditional **character by character** (no phrases), each
   character to one fixed traditional form (:func:`char_convert`);
2. a site-specific list of characters (:func:`random_site`) is annotated, each with ONE fixed
   reading, its most common one (:func:`site_reading`), whatever the context;
3. the text is encoded to GBK and, for each listed character in turn,
   ``data = data.replace(gbk(ch), gbk(ch + "(" + reading + ")"))``: byte-level, so a pattern
   can match across two characters (the trail byte of one and the lead byte of the next);
4. the bytes are decoded by a decoder that, at a lead byte (0x81-0xFE), always consumes two
   bytes and writes ``?`` when the pair is no character (:func:`decode_pairs`): a garble can
   shift what follows until an ASCII byte resynchronises.

:func:`pollute` runs the four steps; :func:`annotate_site` gives the same page without the
byte-level accidents (what the polluter meant to write). Everything is deterministic: the random
functions take a :class:`random.Random`.

The hard negatives (:func:`learner_text`, :func:`ruby_text`, :func:`gloss_text`,
:func:`cantonese_text`, :func:`clean_text`, :func:`parenthesised_text`) take clean simplified
text (Cantonese: traditional Cantonese text) and give documents that carry readings or
parentheses on purpose, with readings right in context (from :class:`tongwen.Annotator`).
"""

from __future__ import annotations

import codecs
import random
from collections.abc import Iterable, Mapping, Sequence
from functools import cache

from tongwen.conversion.converter import convert as _convert
from tongwen.conversion.tables import load_table
from tongwen.errors import InputError
from tongwen.readings.annotator import Annotator
from tongwen.readings.lexicon import char_ranks
from tongwen.repair.gbk import pairwise_errors
from tongwen.text import is_han

__all__ = [
    "CANTONESE_READINGS",
    "ENCODINGS",
    "NEUTRAL_PARTICLES",
    "SEED_SITE",
    "SEED_TABLE_EXCEPTIONS",
    "TABLES",
    "annotate_site",
    "cantonese_text",
    "char_convert",
    "clean_text",
    "conversion_table",
    "decode_pairs",
    "gloss_text",
    "learner_text",
    "parenthesised_text",
    "pollute",
    "random_site",
    "ruby_text",
    "simplified_char",
    "site_reading",
    "straddle_pool",
]

# Double-byte encodings whose lead bytes are 0x81-0xFE: decode_pairs treats them alike.
ENCODINGS: tuple[str, ...] = ("gbk", "cp936", "gb2312", "gb18030", "big5", "cp950")

# Character tables (simplified -> one traditional form):
#   "opencc": the first candidate of OpenCC's STCharacters (关于 -> 關於, 为 -> 爲);
#   "tw":     that, then OpenCC's TWVariants (爲 -> 為, 羣 -> 群, 着 -> 著);
#   "seed":   "tw" with the seed page's own choices (SEED_TABLE_EXCEPTIONS): 于 云 并 后 占 辟 征
#             left as they are, 鉴 -> 鑒. The seed page's polluter used this one.
TABLES: tuple[str, ...] = ("opencc", "tw", "seed")

SEED_TABLE_EXCEPTIONS: Mapping[str, str] = {
    "于": "于",
    "云": "云",
    "并": "并",
    "后": "后",
    "占": "占",
    "辟": "辟",
    "征": "征",
    "鉴": "鑒",
}

# The seed page's site list, in an order that reproduces ../shared/examples/seed-page.txt from
# seed-page.original.txt (table "seed"): its 63 annotated characters in order of first
# occurrence, then 詢, whose GBK bytes (d4 83) straddle 自優 (d7d4 839e). Only the order of 優
# before 詢 matters.
SEED_SITE: tuple[str, ...] = tuple(
    "團學習書關國現質發寫長樂領導愛費動來進產車萬實對業說轉級優勢規術強態設運穩場個驗聽細聯開"
    "語認網應經濟點創臺區協調戰補話準農務獻詢"
)

# Characters whose most common reading really is toneless; other characters whose most common
# reading in tongwen's data is toneless (务 wu, 西 xi, 识 shi: from 服务, 东西, 认识) get their
# first toned reading as the site's fixed reading (務 wù, as on the seed page).
NEUTRAL_PARTICLES = frozenset("的了地得们么吗呢吧啊呀啦嘛喽呗哩着")

_TONED = frozenset("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ")
_ERRORS = "tongwen-gbk-pairs"


# --------------------------------------------------------------------------------------------
# Step 1: character-by-character conversion


@cache
def conversion_table(table: str = "opencc") -> Mapping[str, str]:
    """Simplified character -> its one traditional form, for the characters it changes."""
    if table not in TABLES:
        raise InputError(f"unknown table {table!r}; choose one of {', '.join(TABLES)}")
    st = load_table("STCharacters").entries
    out: dict[str, str] = {}
    if table == "opencc":
        for s, candidates in st.items():
            if candidates[0] != s:
                out[s] = candidates[0]
        return out
    tw = load_table("TWVariants").entries
    for s in sorted(set(st) | set(tw)):
        first = st.get(s, (s,))[0]
        t = tw.get(first, (first,))[0]
        if t != s:
            out[s] = t
    if table == "seed":
        for s, t in SEED_TABLE_EXCEPTIONS.items():
            if t == s:
                out.pop(s, None)
            else:
                out[s] = t
    return out


@cache
def _translation(table: str) -> dict[int, str]:
    return {ord(s): t for s, t in conversion_table(table).items()}


def char_convert(text: str, table: str = "opencc") -> str:
    """``text`` converted character by character with one of :data:`TABLES` (no phrases)."""
    return text.translate(_translation(table))


@cache
def _simplified() -> dict[str, str]:
    out: dict[str, str] = {}
    for table in TABLES:
        for s, t in sorted(conversion_table(table).items()):
            out.setdefault(t, s)
    return out


def simplified_char(char: str) -> str:
    """The simplified character that the tables convert to ``char`` (else tongwen's t2s)."""
    found = _simplified().get(char)
    if found is not None:
        return found
    return _convert(char, to="s", source="t") if is_han(char) else char


@cache
def _annotator(script: str = "s", tone: str = "marks") -> Annotator:
    to = "keep" if _script(script) == "s" else script
    return Annotator(to=to, source="s", tone=tone)


class _MostCommonReading:
    """A disambiguator that never chooses: every polyphone not in a lexicon word gets its
    most common reading, as the polluter's one-reading-per-character table has it."""

    def choose(
        self, text: str, queries: Sequence[tuple[int, tuple[str, ...]]]
    ) -> list[tuple[str, float] | None]:
        """No answer for any query."""
        return [None] * len(queries)


@cache
def _fixed_readings() -> Annotator:
    return Annotator(source="s", disambiguator=_MostCommonReading())


@cache
def site_reading(char: str) -> str:
    """The fixed reading a site gives ``char``: the most common reading of its simplified form
    (tone marks); a toneless one is replaced by the first toned candidate unless the character
    is a particle (:data:`NEUTRAL_PARTICLES`)."""
    simplified = simplified_char(char)
    token = _fixed_readings().tokens(simplified)[0]
    reading = token.reading
    if reading is None:
        raise InputError(f"no reading for {char!r}")
    if not _TONED.intersection(reading) and simplified not in NEUTRAL_PARTICLES:
        toned = [c for c in token.candidates if _TONED.intersection(c)]
        if toned:
            reading = toned[0]
    return reading


# --------------------------------------------------------------------------------------------
# Steps 2-4: byte-level insertion and the pairwise decoder


codecs.register_error(_ERRORS, pairwise_errors("?", "?"))


def _check_encoding(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    if name not in ENCODINGS:
        raise InputError(f"unsupported encoding {encoding!r}; choose one of {', '.join(ENCODINGS)}")
    return name


def decode_pairs(data: bytes, encoding: str = "gbk") -> str:
    """Decode like the polluter's decoder: at a lead byte (0x81-0xFE) always take two bytes,
    ``?`` for a pair that is no character (the pair's second byte is lost even when ASCII);
    any other byte that is no character is one ``?``."""
    return data.decode(_check_encoding(encoding), _ERRORS)


def _site(site_chars: Iterable[str], encoding: str) -> list[str]:
    chars = list(dict.fromkeys(site_chars))
    for char in chars:
        if len(char) != 1:
            raise InputError(f"site characters are single characters, not {char!r}")
        try:
            width = len(char.encode(encoding))
        except UnicodeEncodeError:
            raise InputError(f"site character {char!r} is not in {encoding}") from None
        if width != 2:
            raise InputError(f"site character {char!r} is not one double-byte {encoding} code")
    return chars


def _reading(char: str, readings: Mapping[str, str] | None) -> str:
    if readings is not None and char in readings:
        return readings[char]
    return site_reading(char)


def pollute(
    text: str,
    *,
    site_chars: Sequence[str],
    readings: Mapping[str, str] | None = None,
    convert: bool = True,
    encoding: str = "gbk",
    table: str = "opencc",
) -> str:
    """The page the polluter makes of ``text`` (simplified): converted character by character
    with ``table`` (unless ``convert`` is false), each of ``site_chars`` in turn followed by its
    reading (``readings``, else :func:`site_reading`) by byte replacement in ``encoding``, and
    decoded pairwise (:func:`decode_pairs`). Characters ``encoding`` lacks become ``?``;
    repeated site characters count once."""
    encoding = _check_encoding(encoding)
    source = char_convert(text, table) if convert else text
    data = source.encode(encoding, errors="replace")
    for char in _site(site_chars, encoding):
        pattern = char.encode(encoding)
        if pattern in data:
            inserted = f"{char}({_reading(char, readings)})".encode(encoding, errors="replace")
            data = data.replace(pattern, inserted)
    return decode_pairs(data, encoding)


def annotate_site(
    text: str,
    *,
    site_chars: Sequence[str],
    readings: Mapping[str, str] | None = None,
    convert: bool = True,
    table: str = "opencc",
) -> str:
    """What :func:`pollute` means to write: the same conversion and readings, inserted
    character by character, so without garbles. ``pollute(...) != annotate_site(...)`` (for a
    text ``encoding`` can hold) tells a page with garbles."""
    source = char_convert(text, table) if convert else text
    chars = list(dict.fromkeys(site_chars))
    inserts = {c: f"{c}({_reading(c, readings)})" for c in chars if c in source}
    if not inserts:
        return source
    return "".join(inserts.get(c, c) for c in source)


# --------------------------------------------------------------------------------------------
# Site lists


def _weighted_sample(rng: random.Random, pool: Sequence[tuple[str, float]], k: int) -> list[str]:
    """``k`` distinct items drawn by weight without replacement (Efraimidis-Spirakis keys)."""
    if k <= 0 or not pool:
        return []
    keyed = sorted(((rng.random() ** (1.0 / w), c) for c, w in pool), reverse=True)
    return [c for _, c in keyed[:k]]


@cache
def _changed_pool(table: str, max_rank: int) -> tuple[tuple[str, float], ...]:
    ranks = char_ranks()
    conv = conversion_table(table)
    pairs = sorted((r, s) for s, r in ranks.items() if r <= max_rank and s in conv)
    return tuple((conv[s], 1.0 / r) for r, s in pairs)


@cache
def _unchanged_pool(table: str, max_rank: int) -> tuple[tuple[str, float], ...]:
    ranks = char_ranks()
    conv = conversion_table(table)
    pairs = sorted(
        (r, s)
        for s, r in ranks.items()
        if r <= max_rank and s not in conv and s not in _simplified() and _gbk2(s)
    )
    return tuple((s, 1.0 / r) for r, s in pairs)


def _gbk2(char: str) -> bytes | None:
    try:
        data = char.encode("gbk")
    except UnicodeEncodeError:
        return None
    return data if len(data) == 2 else None


@cache
def straddle_pool(table: str = "opencc", top: int = 800) -> tuple[tuple[str, float], ...]:
    """Traditional forms (as ``table`` writes them) whose GBK bytes often straddle two frequent
    converted characters (the trail byte of one, the lead byte of the next), with a weight:
    its own frequency times the sum over such neighbour pairs of the product of their
    frequencies (frequency: 1/rank among the 3000 most frequent). Listed, they garble pages:
    詢 (d4 83) in 自優 (d7d4 839e), 驗 (f2 9e) in 因為 (d2f2 9ee9)."""
    ranks = char_ranks()
    conv = conversion_table(table)
    frequent = sorted((r, s) for s, r in ranks.items())[:top]
    coded = [(conv.get(s, s), 1.0 / r) for r, s in frequent]
    coded_bytes = [(b, w) for t, w in coded if (b := _gbk2(t)) is not None]
    targets = {t for t in conv.values() if _gbk2(t) is not None}
    weights: dict[str, float] = {}
    for first, wa in coded_bytes:
        trail = first[1]
        if trail < 0x81:
            continue
        for second, wb in coded_bytes:
            try:
                char = bytes((trail, second[0])).decode("gbk")
            except UnicodeDecodeError:
                continue
            if char in targets:
                weights[char] = weights.get(char, 0.0) + wa * wb
    # A site lists frequent characters: weigh each by its own frequency too.
    own = {c: ranks.get(simplified_char(c), 0) for c in weights}
    scored = [(c, w / own[c]) for c, w in weights.items() if 0 < own[c] <= 3000]
    return tuple(sorted(scored, key=lambda item: (-item[1], item[0]))[:200])


def random_site(
    rng: random.Random,
    size: int,
    *,
    table: str = "opencc",
    unchanged_share: float | None = None,
    straddlers: int | None = None,
    max_rank: int = 1500,
) -> list[str]:
    """A plausible site list of ``size`` characters, in the order the site applies them:
    frequent characters that ``table`` changes (as it writes them), a share of frequent
    unchanged ones (``unchanged_share``, default drawn in [0, 0.2]) and ``straddlers``
    characters from :func:`straddle_pool` (default: none half the time, else 1-3), which make
    garbles likely. Characters are drawn by frequency (weight 1/rank) among the ``max_rank``
    most frequent (the seed page's list: median rank about 300, nine in ten within 800)."""
    if size < 1:
        raise InputError("a site lists at least one character")
    share = rng.uniform(0.0, 0.2) if unchanged_share is None else unchanged_share
    if straddlers is None:
        straddlers = 0 if rng.random() < 0.5 else rng.randint(1, 3)
    straddlers = min(straddlers, size)
    chosen: list[str] = _weighted_sample(rng, straddle_pool(table), straddlers)
    n_unchanged = min(size - len(chosen), round(share * size))
    chosen += [
        c
        for c in _weighted_sample(rng, _unchanged_pool(table, max_rank), n_unchanged)
        if c not in chosen
    ]
    pool = [(c, w) for c, w in _changed_pool(table, max_rank) if c not in chosen]
    chosen += _weighted_sample(rng, pool, size - len(chosen))
    rng.shuffle(chosen)
    return chosen


# --------------------------------------------------------------------------------------------
# Hard negatives


def _script(script: str) -> str:
    if script not in ("s", "t", "tw", "hk"):
        raise InputError(f"unknown script {script!r}; choose one of s, t, tw, hk")
    return script


def learner_text(text: str, *, script: str = "s", tone: str = "marks") -> str:
    """Learner text: every Han character followed by its reading in context, in ``script``
    (``s``, ``t``, ``tw``, ``hk``; converted with phrases first)."""
    return _annotator(script, tone).annotation(text).render("inline")


def _annotate_some(text: str, script: str, keep: Iterable[int]) -> str:
    tokens = _annotator(script).tokens(text)
    chosen = set(keep)
    parts = []
    for k, token in enumerate(tokens):
        parts.append(token.char)
        if k in chosen and token.reading:
            parts.append(f"({token.reading})")
    return "".join(parts)


def _han_positions(text: str, script: str) -> tuple[str, list[int]]:
    converted = text if script == "s" else _convert(text, to=script, source="s")
    return converted, [k for k, c in enumerate(converted) if is_han(c)]


def ruby_text(
    text: str, rng: random.Random, *, script: str = "s", share: float | None = None
) -> str:
    """Ruby extracted to ``字(zì)`` on purpose: most Han characters (``share``, default drawn
    in [0.6, 0.95]) followed by their reading in context."""
    share = rng.uniform(0.6, 0.95) if share is None else share
    _, han = _han_positions(text, _script(script))
    keep = [k for k in han if rng.random() < share]
    return _annotate_some(text, script, keep)


def gloss_text(
    text: str, rng: random.Random, *, script: str = "s", count: int | None = None
) -> str:
    """Textbook glosses: the first occurrence of the one or two (``count``) rarest Han
    characters followed by their reading in context."""
    count = rng.randint(1, 2) if count is None else count
    converted, han = _han_positions(text, _script(script))
    ranks = char_ranks()
    first: dict[str, int] = {}
    for k in han:
        first.setdefault(converted[k], k)
    rarest = sorted(
        first.items(),
        key=lambda item: (-ranks.get(simplified_char(item[0]), 10**6), item[1]),
    )[:count]
    return _annotate_some(text, script, [k for _, k in rarest])


# Jyutping of common Cantonese characters, for the Cantonese hard negative. Only characters
# whose reading hardly depends on the context are listed (no 行 haang4/hong4, 好 hou2/hou3).
_JYUTPING = (
    "我:ngo5 你:nei5 佢:keoi5 哋:dei6 係:hai6 唔:m4 冇:mou5 有:jau5 嘅:ge3 咗:zo2 喺:hai2 "
    "嚟:lai4 去:heoi3 食:sik6 飯:faan6 啲:di1 咁:gam3 點:dim2 乜:mat1 嘢:je5 邊:bin1 個:go3 "
    "多:do1 細:sai3 人:jan4 佬:lou2 仔:zai2 今:gam1 日:jat6 晚:maan5 夜:je6 講:gong2 知:zi1 "
    "道:dou6 想:soeng2 要:jiu3 做:zou6 同:tung4 埋:maai4 畀:bei2 俾:bei2 攞:lo2 揸:zaa1 "
    "走:zau2 返:faan1 翻:faan1 屋:uk1 企:kei5 瞓:fan3 買:maai5 賣:maai6 貴:gwai3 開:hoi1 "
    "心:sam1 得:dak1 該:goi1 謝:ze6 一:jat1 二:ji6 三:saam1 四:sei3 五:ng5 六:luk6 七:cat1 "
    "八:baat3 九:gau2 十:sap6 百:baak3 千:cin1 萬:maan6 年:nin4 月:jyut6 時:si4 間:gaan1 "
    "鐘:zung1 入:jap6 出:ceot1 面:min6 前:cin4 後:hau6 左:zo2 右:jau6 中:zung1 國:gwok3 "
    "香:hoeng1 港:gong2 廣:gwong2 東:dung1 學:hok6 校:haau6 先:sin1 老:lou5 師:si1 家:gaa1 "
    "媽:maa1 爸:baa1 哥:go1 姐:ze2 弟:dai6 朋:pang4 友:jau5 工:gung1 作:zok3 公:gung1 "
    "司:si1 車:ce1 巴:baa1 士:si6 鐵:tit3 街:gaai1 市:si5 飲:jam2 茶:caa4 水:seoi2 酒:zau2 "
    "雞:gai1 肉:juk6 菜:coi3 麵:min6 包:baau1 天:tin1 氣:hei3 熱:jit6 凍:dung3 落:lok6 "
    "雨:jyu5 風:fung1 靚:leng3 新:san1 舊:gau6 快:faai3 慢:maan6 早:zou2 遲:ci4 啱:ngaam1 "
    "錯:co3 真:zan1 定:ding6 就:zau6 再:zoi3 又:jau6 仲:zung6 已:ji5 經:ging1 可:ho2 "
    "以:ji5 能:nang4 因:jan1 所:so2 但:daan6 如:jyu4 果:gwo2 然:jin4 之:zi1 在:zoi6 "
    "是:si6 不:bat1 這:ze5 他:taa1 她:taa1 們:mun4 自:zi6 己:gei2 住:zyu6 門:mun4 電:din6 "
    "視:si6 腦:nou5 手:sau2 機:gei1 書:syu1 字:zi6 寫:se2 讀:duk6 問:man6 答:daap3 "
    "題:tai4 事:si6 情:cing4 次:ci3 隻:zek3 條:tiu4 張:zoeng1 本:bun2 件:gin6 對:deoi3 "
    "方:fong1 幫:bong1 搵:wan2 等:dang2 見:gin3 放:fong3 玩:waan2 傾:king1 偈:gai2 "
    "打:daa2 波:bo1 踢:tek3 跑:paau2 唱:coeng3 歌:go1 跳:tiu3 舞:mou5 戲:hei3 醫:ji1 "
    "病:beng6 痛:tung3 藥:joek6 身:san1 體:tai2 頭:tau4 眼:ngaan5 口:hau2 耳:ji5 腳:goek3 "
    "衫:saam1 褲:fu3 鞋:haai4 戴:daai3 帽:mou2 冷:laang5 暖:nyun5 餓:ngo6 飽:baau2 "
    "攰:gui6 驚:geng1 嬲:nau1 鍾:zung1 意:ji3 愛:oi3 錫:sek3 識:sik1 明:ming4 白:baak6 "
    "記:gei3 忘:mong4 估:gu2 諗:nam2 信:seon3 怕:paa3 笑:siu3 喊:haam3 嗌:aai3 叫:giu3 "
    "姓:sing3 幾:gei2 耐:noi6 咪:mai6 囉:lo1 晒:saai3 緊:gan2 過:gwo3 起:hei2 嗰:go2 "
    "度:dou6 睇:tai2 噉:gam2 咩:me1 啦:laa1 喇:laa3 喎:wo3 吖:aa1 呀:aa3 啊:aa3 嗎:maa3 "
    "都:dou1 琴:kam4 依:ji1 而:ji4 大:daai6 少:siu2 女:neoi5 也:jaa5 和:wo4 看:hon3 "
    "說:syut3 很:han2 太:taai3 最:zeoi3 比:bei2 粵:jyut6 語:jyu5 地:dei6"
)


def _pairs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in text.split():
        char, _, reading = pair.partition(":")
        out[char] = reading
    return out


CANTONESE_READINGS: Mapping[str, str] = _pairs(_JYUTPING)


def cantonese_text(text: str, rng: random.Random, *, share: float | None = None) -> str:
    """Cantonese ``字(jyut6)`` romanisation: a share (default drawn in [0.7, 1.0]) of the
    characters of ``text`` (traditional Cantonese) that :data:`CANTONESE_READINGS` knows,
    followed by their Jyutping."""
    share = rng.uniform(0.7, 1.0) if share is None else share
    parts = []
    for char in text:
        parts.append(char)
        reading = CANTONESE_READINGS.get(char)
        if reading is not None and rng.random() < share:
            parts.append(f"({reading})")
    return "".join(parts)


def clean_text(text: str, *, script: str = "s", table: str | None = None) -> str:
    """Clean text: ``text`` as it is (``s``), converted with phrases (``t``, ``tw``, ``hk``),
    or, with ``table``, converted character by character but with no reading inserted."""
    if table is not None:
        return char_convert(text, table)
    return text if _script(script) == "s" else _convert(text, to=script, source="s")


_ENGLISH = (
    "WHO",
    "World Health Organization",
    "GDP",
    "AI",
    "Beijing",
    "Shanghai",
    "UNESCO",
    "CEO",
    "Sun Yat-sen",
    "e.g.",
    "i.e.",
    "sic",
    "PDF",
    "ISBN 978-7-02-000220-7",
    "Wi-Fi",
    "NBA",
    "Taipei",
    "the Analects",
    "Hong Kong",
    "see above",
    "n = 120",
    "p < 0.05",
    "km²",
    "USD",
)
_NOTES = (
    "下同",
    "见第{n}条",
    "单位：万元",
    "图{n}",
    "注：下文简称“本法”",
    "第{n}版",
    "约{n}%",
    "含税",
    "暂定",
    "按姓氏笔画排序",
    "第{n}页",
    "原文如此",
    "不含港澳台",
    "未经审计",
)
_ENUMS = ("{n}", "{cn}", "{letter}", "第{n}项", "{n}.{m}")
_DIGITS_CN = "一二三四五六七八九十"


def _parenthetical(rng: random.Random, text: str, script: str) -> str:
    kind = rng.randrange(6)
    n = rng.randint(1, 12)
    full = rng.random() < 0.4  # full-width parentheses
    opened, closed = ("（", "）") if full else ("(", ")")
    if kind == 0:
        year = rng.randint(1900, 2024)
        inner = rng.choice((f"{year}", f"{year}年", f"{year}—{year + rng.randint(1, 9)}"))
    elif kind == 1:
        inner = rng.choice(_ENGLISH)
    elif kind == 2:
        inner = rng.choice(_NOTES).format(n=n)
    elif kind == 3:
        inner = rng.choice(_ENUMS).format(
            n=n, m=rng.randint(1, 9), cn=_DIGITS_CN[n % 10], letter="abcdef"[n % 6]
        )
    else:
        return _reading_remark(rng, text, script)
    return f"{opened}{inner}{closed}"


def _reading_remark(rng: random.Random, text: str, script: str) -> str:
    """A sentence about how a character of the text is read: 这个字读作“询(xún)”."""
    tokens = [t for t in _annotator(script).tokens(text) if t.reading and is_han(t.char)]
    if not tokens:
        return "(2005)"
    token = rng.choice(tokens)
    char, reading = token.char, token.reading
    others = [c for c in token.candidates if c != reading]
    remark = rng.choice(
        (
            "。这个字读作“{c}({r})”",
            "，其中“{c}”读作{r}",
            "（“{c}”读{r}）",
            "，“{c}({r})”是多音字",
            "。“{c}”字在这里读({r})",
        )
    )
    if others and rng.random() < 0.5:
        remark += "，不读{o}"
    out = remark.format(c=char, r=reading, o=others[0] if others else "")
    return out if script == "s" else _convert(out, to=script, source="s")


def parenthesised_text(
    text: str, rng: random.Random, *, script: str = "s", count: int | None = None
) -> str:
    """Ordinary parentheses: years (2005), notes, enumerations, English or romanised names in
    parentheses, and remarks on a character's reading (这个字读作“询(xún)”), ``count`` of them
    (default 2-8) inserted after clause ends of ``text`` converted to ``script``."""
    count = rng.randint(2, 8) if count is None else count
    converted = text if _script(script) == "s" else _convert(text, to=script, source="s")
    cuts = [k for k, c in enumerate(converted) if c in "，。；：,;\n"] or [len(converted)]
    chosen = sorted(rng.choice(cuts) for _ in range(count))
    out = []
    last = 0
    for cut in chosen:
        out.append(converted[last:cut])
        out.append(_parenthetical(rng, text, script))
        last = cut
    out.append(converted[last:])
    return "".join(out)
