"""The GBK garble repair: the character model, the options of an unknown unit, the search."""

from __future__ import annotations

import hashlib
import json
import random
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_repair import SOURCE as REPAIR_SOURCE

import tongwen
from tongwen.repair import gbk, reference
from tongwen.repair import generate as g
from tongwen.repair.charlm import BAD, load_charlm, normal_form
from tongwen.repair.gbk import Lost, Unknown, _characters_after, _lost_groups, _pair, units
from tongwen.repair.strip import reading_fits, strip

# Sentences the character model was not trained on (its sources are listed in charlm.json).
SOURCE = [
    *REPAIR_SOURCE,
    "每个人都有权享受社会保障，并有权实现他的个人尊严。",
    "小时候过年山上很凉，我们一家人围着火炉聊天。",
]

TEXT = st.text(st.sampled_from(list("团學習關发展們字驗詢為()?a1 \n。，凉涼" + BAD)), max_size=40)


# --------------------------------------------------------------------------------------------
# The character model


def test_model_present_with_provenance() -> None:
    folder = resources.files("tongwen.data.models")
    meta = json.loads(folder.joinpath("charlm.json").read_text(encoding="utf-8"))
    weights = folder.joinpath("charlm.npz").read_bytes()
    assert meta["npz_sha256"] == hashlib.sha256(weights).hexdigest()
    assert all(len(source["sha256"]) == 64 for source in meta["sources"].values())
    assert meta["licences"] and meta["dropped_as_benchmark_text"] >= 0
    assert len(weights) < 8_000_000


@settings(max_examples=50, deadline=None)
@given(texts=st.lists(TEXT, min_size=1, max_size=4))
def test_model_scores_like_the_plain_scorer(texts: list[str]) -> None:
    model = load_charlm()
    assert list(model.score(texts)) == pytest.approx(reference.charlm_score(model, texts))
    going_on = reference.charlm_score(model, texts, end=False)  # no boundary after
    assert list(model.score(texts, end=False)) == pytest.approx(going_on)


def test_model_prefers_text_to_its_garbles() -> None:
    model = load_charlm()
    good, wrong, bad = model.score(["取得了巨大的成就", "取得了罐大的成就",
                                    "取得了" + BAD + "大的成就"])
    assert good > wrong > bad


def test_model_reads_traditional_as_simplified_and_numbers_alike() -> None:
    model = load_charlm()
    a, b = model.score(["每個人都很涼快", "每个人都很凉快"])
    assert a == b
    c, d = model.score(["2005年", "1999年"])
    assert c == d
    e, f = model.score(["２００５年", "１９９９年"])
    assert e == f


def test_full_width_letters_and_digits_are_symbols_of_their_own() -> None:
    # a page out of step decodes to full-width forms (GBK row 0xA3): rare in prose, so the
    # model must not read them as the ASCII ones it sees in every other sentence
    assert [normal_form(c) for c in "3Ｕ３uＳs"] == ["0", "ａ", "０", "a", "ａ", "a"]
    model = load_charlm()
    full, ascii_ = model.score(["报到？期0３Ｕf话", "报到？期03Uf话"])
    assert full < ascii_


# --------------------------------------------------------------------------------------------
# What may fill a lost pair


@settings(max_examples=60, deadline=None)
@given(previous=st.integers(0x81, 0xFE), following=st.integers(0x40, 0xFE) | st.none(),
       open_end=st.booleans())
def test_lost_pair_options_are_exactly_the_byte_pairs_that_read_as_one_bad_pair(
        previous: int, following: int | None, open_end: bool) -> None:
    found = {(byte, after) for byte, _, afters in _lost_groups(previous, following, open_end)
             for after in afters}
    expected = set()
    for byte in range(0x80, 0xFF):
        if g.decode_pairs(bytes((previous, byte))) != _pair(previous, byte) or \
                _pair(previous, byte) is None:
            continue  # (previous, byte) must be the lost character
        if byte == 0x80 or open_end:
            expected.add((byte, b""))  # read alone, or its partner left to the next unit
            continue
        for after in range(0x100):
            if g.decode_pairs(bytes((byte, after))) != "?":
                continue  # the decoder, out of step, read the two as one bad pair
            if after < 0x80 and chr(after) in "\n 0a,.:;!?()%-/\"'":
                expected.add((byte, bytes((after,))))  # ASCII: one of each kind
            elif 0x81 <= after <= 0xFE and following is not None and \
                    len(g.decode_pairs(bytes((after, following)))) == 1 and \
                    g.decode_pairs(bytes((after, following))) != "?":
                expected.add((byte, bytes((after,))))  # a lead byte making the next character
    assert found == expected
    assert all(char == _pair(previous, byte) for byte, char, _ in
               _lost_groups(previous, following, open_end))


def test_a_lost_pair_follows_only_a_stream_that_leaves_a_lead_byte_open() -> None:
    # 安 then 0xC8, the lead byte of 全 (the pair's character): an option; a stream whose
    # 0xB2 0xC8 the decoder reads as 踩 has no lead byte left for the pair to complete
    beam = [b"\xb0\xb2\xc8", b"\n\xb2\xc8"]
    starts = [gbk._tail_start(prefix) for prefix in beam]
    options = gbk._lost_options(beam, starts, b"\xd0\xa1", False, False, False, frozenset())
    assert [k for k, _, _ in options] == [0]
    assert "全" in options[0][2].chars


def test_units_of_a_garbled_line() -> None:
    assert units("各自?xún)優勢") == ["各自", Unknown("xún"), "優勢"]
    assert units("數?de)?趴倒") == ["數", Unknown("de"), Lost(), "趴倒"]
    assert units("好嗎?沒有") == ["好嗎?沒有"]  # a '?' before any garble is text
    # 歐 is 0x9A 0x57: its lead byte went into the lost pair, 'W' and its reading stayed
    assert units("們?nèi)?W(ōu)洲") == ["們", Unknown("nèi"), Lost("ōu"), "W洲"]
    assert units("們?nèi)?W洲") == ["們", Unknown("nèi"), Lost(), "W洲"]
    # 時 is 0x95 0x72: the garble hid its lead byte, 'r' and its reading stayed
    assert units("家?shì)r(shí)經過") == ["家", Unknown("shì", (0x72, "shí")), "r經過"]
    # 體 is 0xF3 0x77: out of step, its lead byte is read into 鲶, 'w' and its reading stay
    assert units("职?cán)鲶w(tǐ)验") == ["职", Unknown("cán"), "鲶w验"]
    assert units("A(ā)?cán)B") == ["A(ā)", Unknown("cán"), "B"]  # before any garble: text


@pytest.mark.parametrize("cleaned", [False, True])
def test_a_reading_after_the_ascii_byte_just_after_a_garble_names_the_hidden_byte(
        cleaned: bool) -> None:
    # 家 (BC D2) and 時 (95 72): 視 (D2 95) straddles them, so the garble hides 0x95, which
    # is also 時's lead byte: 時's reading, pasted after 'r', says which byte it was.
    text = "回家时经过菜市场，买了两斤青菜。"
    page = g.pollute(text, site_chars=list("時視過場買兩"), table="tw")
    assert page.startswith("回家?shì)r(shí)經過(guò)")
    if cleaned:
        page = tongwen.convert(page, to="s")
    assert tongwen.clean(page, to="s").text == text


@settings(max_examples=40, deadline=None)
@given(previous=st.integers(0x81, 0xFE), following=st.integers(0x40, 0x7E),
       reading=st.sampled_from(["ōu", "fā", "xué", "de", "zhè"]))
def test_a_claimed_lost_pair_is_completed_by_a_character_of_its_reading(
        previous: int, following: int, reading: str) -> None:
    every = {(byte, after) for byte, _, afters in _lost_groups(previous, following, False)
             for after in afters}
    claimed = _lost_groups(previous, following, False, (reading, reading_fits))
    found = {(byte, after) for byte, _, afters in claimed for after in afters}
    expected = {(byte, after) for byte, after in every if byte > 0x80 and after
                and after[0] >= 0x81
                and reading_fits(g.decode_pairs(after + bytes((following,))), reading)}
    assert found == expected


def test_the_claimed_lead_byte_of_ou_after_qu() -> None:
    # 去 is 0xC8 0xA5 and 歐 0x9A 0x57: after 去's lead byte, 'W' and the reading ōu, the
    # lost pair's second byte can only be 0x9A (of the ten characters 0xC8 may complete)
    claimed = _lost_groups(0xC8, 0x57, False, ("ōu", reading_fits))
    assert {after for _, _, afters in claimed for after in afters} == {b"\x9a"}
    assert "去" in {char for _, char, _ in claimed}
    assert _characters_after(0xB8)  # a lead byte makes characters


# --------------------------------------------------------------------------------------------
# The search, on pages the generator garbled


def test_the_seed_page_garbles_come_back() -> None:
    page = "希望兩省充分發揮各自?xún)?yōu)勢(shì)，因?yàn)橛譀]說清楚。"
    assert tongwen.clean(page * 3 + "代表團(tuán)學(xué)習(xí)", to="s").text.startswith(
        "希望两省充分发挥各自优势，因为又没说清楚。")


def _garbled_pages(count: int) -> list[tuple[str, str]]:
    """(simplified text, polluted page with at least one garble), from fixed seeds."""
    pages = []
    for seed in range(10 * count):
        rng = random.Random(seed)
        table = rng.choice(g.TABLES)
        text = "\n".join(rng.sample(SOURCE, 4))
        site = g.random_site(rng, rng.randint(20, 150), table=table)
        page = g.pollute(text, site_chars=site, table=table)
        if page != g.annotate_site(text, site_chars=site, table=table):
            pages.append((text, page))
        if len(pages) == count:
            break
    return pages


def test_garbled_pages_are_restored() -> None:
    pages = _garbled_pages(40)
    restored = sum(tongwen.clean(page, to="s").text == text for text, page in pages)
    assert len(pages) == 40
    assert restored >= 36, f"{restored} of 40 garbled pages restored"


def test_a_search_whose_streams_all_die_is_run_again_wider() -> None:
    # Two lost pairs in a row swallow 要's second byte, 。 and the line break; at the base
    # width the streams that would complete 每個 (?zǒng) are all pruned before it.
    line = "頭發和發展都?jǐ)苤匾??每?zǒng)?人都有權享受社會(huì)保障。"
    assert gbk.repair_line(line, reading_fits) == "頭發和發展都很重要。\n每個人都有權享受社會保障。"


def test_a_search_that_finds_nothing_that_explains_the_line_is_run_again_wider() -> None:
    # Two lost pairs hide 滑倒: at the base width the candidates are 基本, 基督, ...; one the
    # check accepts (here 基因, standing for the text that gives the line again) is only
    # among those of a search gbk.EXPLAIN_WIDTHS[0] times as wide.
    found = units(strip("它的腳爪整天?yú)荚诨??直到有一天"))
    wanted = "它的腳爪整天都在基因\n直到有一天"
    assert gbk.repair_units(found, reading_fits) == "它的腳爪整天都在基本\n直到有一天"
    assert gbk.repair_units(found, reading_fits, explains=lambda text: text == wanted) == wanted
    # when nothing explains it at any width, the best of the first search
    assert gbk.repair_units(found, reading_fits, explains=lambda text: False) == (
        "它的腳爪整天都在基本\n直到有一天")


@pytest.mark.parametrize(("site", "garble"), [("內歐", "?nèi)?W(ōu)洲"), ("人發", "?rén)?l(fā)車")])
def test_a_reading_after_the_ascii_byte_of_a_lost_pair_names_its_character(
        site: str, garble: str) -> None:
    # The lost pair swallowed the lead byte of a listed character whose second byte is ASCII
    # ('W', 'l'): the reading pasted after that byte says which character it was, where the
    # model alone would read 去学洲 and 等水乡车.
    text = "刚好最近有空，咱们去欧洲旅游好吗？\n水和公车等他发车。"
    page = g.pollute(text, site_chars=list(site), table="tw")
    assert garble in page
    assert tongwen.clean(page, to="s").text == text


def test_a_garble_that_runs_to_the_end_of_the_page() -> None:
    # Out of step to the end: the last '?' is the second byte of 。 alone, which the
    # polluter's decoder read as '?' at the end of the page (no line break after it)
    text = "校长在毕业典礼演讲一个小时，害得老师们都昏昏欲睡。"
    page = g.pollute(text, site_chars=["美"], table="tw")
    assert page.endswith("???")
    assert tongwen.clean(page, to="s").text == text
    assert tongwen.clean(f"代表團(tuán)\n{page}", to="s").text == f"代表团\n{text}"


def test_a_repair_polluted_again_gives_the_line() -> None:
    text = "希望两省充分发挥各自优势，因为又没说清楚。\n每个人都有权享受社会保障。"
    site = list("團學習關國現發優勢詢總個為")
    page = g.pollute(text, site_chars=site, table="tw")
    assert "?" in page
    repaired = tongwen.clean(page + "\n" + page, to="keep").text.split("\n")[:2]
    assert g.pollute("\n".join(repaired), site_chars=site, convert=False) == page


@pytest.mark.parametrize("cleaned", [False, True])
def test_a_repair_explains_the_line_with_the_reading_it_left_after_an_ascii_byte(
        cleaned: bool) -> None:
    # 數 (94 B5) and 種 (B7 4E) out of step: 當 (AE 94) read across 之 and 數, then 捣 (B5 B7)
    # and 'N' with 種's reading. The repair 數種 leaves that reading in the text; polluted
    # again, the text must not carry it twice, or a wrong repair (敁vN) that also gives the
    # line wins over it.
    from tongwen.repair.clean import _explains, _site_forms

    text = "小水鼠属等之数种哺乳动物。"
    site = {"當": "dāng", "種": "zhǒng"}
    page = g.pollute(text, site_chars=list(site), table="seed")
    assert "?dāng)捣N(zhǒng)" in page
    repaired = "小水鼠屬等之數種(zhǒng)哺乳動物。"
    if cleaned:
        page, repaired = tongwen.convert(page, to="s"), "小水鼠属等之數種(zhǒng)哺乳动物。"
    assert _explains(page, site, _site_forms(site) if cleaned else None, repaired)


def test_a_garble_whose_reading_no_annotated_character_has() -> None:
    # 詢 (xún) shows only as the garble: no text, polluted again with the page's annotated
    # characters, can give the line, so the repair takes the model's best without the check
    # (and without the wider search), as the reference does.
    text = "各自优势明显，大家都很高兴。\n我们会继续努力，做得更好。"
    page = g.pollute(text, site_chars=list("詢優們會繼續"), table="tw")
    assert page.startswith("各自?xún)") and "詢(" not in page
    assert tongwen.clean(page, to="s").text == text
    assert tongwen.clean(page, to="keep") == reference.clean(page, to="keep")
