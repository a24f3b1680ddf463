"""The fast paths of the garble search give exactly what their plain statements give: the
model's joined scoring, the decoder's character bounds, the lost-pair options, and the beam
step (against the plain step kept here)."""

from __future__ import annotations

import random
from collections.abc import Callable, Collection
from typing import Any

import numpy as np
import pytest
from test_garbles import SOURCE

import tongwen
from tongwen.repair import gbk
from tongwen.repair import generate as g
from tongwen.repair.charlm import BAD, CharLM, load_charlm
from tongwen.repair.gbk import Lost, Unit, Unknown, Variant

ALPHABET = [*"团學習關发展們字驗詢為的是了在不有一人這这个\n a1,。", BAD, "\U00020000",
            *(chr(c) for c in range(0x4E00, 0x4E00 + 300))]


@pytest.mark.parametrize("model", [load_charlm(), gbk._page_model()], ids=["plain", "page"])
def test_joined_scores_are_the_scores(model: CharLM) -> None:
    rng = random.Random(0)

    def text(lengths: list[int]) -> str:
        return "".join(rng.choice(ALPHABET) for _ in range(rng.choice(lengths)))

    for _ in range(300):
        firsts = [text([0, 1, 2, 3, 4, 9, 120]) for _ in range(rng.randint(1, 5))]
        seconds = [text([0, 1, 2, 3, 13]) for _ in range(rng.randint(1, 6))]
        pairs = np.array([(rng.randrange(len(firsts)), rng.randrange(-1, len(seconds)))
                          for _ in range(rng.randint(1, 30))])
        joined = model.score_joined(firsts, seconds, pairs)
        whole = model.score([firsts[i] + seconds[j] for i, j in pairs])
        assert joined.tobytes() == whole.tobytes()


def _plain_tail_start(data: bytes, chars: int = gbk.CONTEXT_CHARS) -> int:
    starts, i = [], 0
    while i < len(data):
        starts.append(i)
        i += 2 if 0x81 <= data[i] <= 0xFE else 1
    return starts[-chars] if len(starts) >= chars else 0


def test_character_bounds_are_the_decoders() -> None:
    rng = random.Random(1)
    for _ in range(20_000):
        data = bytes(rng.choice([rng.randrange(256), rng.randrange(0x81, 0xFF), 0x0A, 0x41])
                     for _ in range(rng.randrange(14)))
        assert gbk._tail_start(data) == _plain_tail_start(data)
        assert gbk._tail_start(data, 1) == _plain_tail_start(data, 1)
        whole = _plain_tail_start(data + b"\n", 1) == len(data)
        assert gbk._whole(data) == whole
        if whole:  # what follows is read apart
            after = bytes(rng.randrange(256) for _ in range(rng.randrange(6)))
            assert gbk._decode(data + after) == gbk._decode(data) + gbk._decode(after)


def test_lost_pair_bundles_are_the_lost_pairs_less_the_excluded() -> None:
    for previous, following in ((0xB8, 0xB5), (0xD2, None), (0xA1, 0x41)):
        groups = gbk._lost_groups(previous, following, False)
        chars = [char for _, char, _ in groups]
        for excluded in (frozenset(), frozenset(chars[::7]), frozenset("团學")):
            bundle = gbk._lost_bundle(previous, following, False, excluded)
            kept = tuple(group for group in groups if group[1] not in excluded)
            assert bundle.groups == kept
            assert bundle.codes.tolist() == [ord(char) for _, char, _ in kept]
            assert bundle.rests == sum(len(after) for _, _, after in kept)


# --------------------------------------------------------------------------------------------
# The beam step, stated plainly: every option of every stream scored as one text


def _plain_options(unit: Unit, previous: int, following: bytes, open_end: bool,
                   pending: bool, split: bool, fits: Callable[[str, str], bool],
                   preferred: Collection[str]) -> gbk.Options:
    if isinstance(unit, Variant):
        return [(data, "", (b"",), 0.0) for char in unit.chars
                if (data := gbk._encode(char)) is not None]
    out: gbk.Options = []
    for lead in gbk._open_leads(previous) if pending else (None,):
        before, head = (previous, b"") if lead is None else (lead, bytes((lead,)))
        if isinstance(unit, Unknown):
            out += [(head + bytes((byte,)), "", (b"",), gbk.PREFERRED_BONUS * (char in preferred))
                    for byte, char in gbk._candidates(before, unit.reading, fits)]
            continue
        claimed = None if unit.reading is None else (unit.reading, fits)
        groups = gbk._lost_groups(before, following[0] if following else None, open_end,
                                  claimed)
        out += [(head + bytes((byte,)), char, after, 0.0) for byte, char, after in groups
                if split or char not in preferred]
    return out


def _plain_step(beam: list[bytes], unit: Unit, following: bytes, model: CharLM,
                fits: Callable[[str, str], bool], preferred: Collection[str],
                open_end: bool = False, pending: bool = False, split: bool = False,
                keep: int = gbk.BEAM) -> list[bytes]:
    def ends_a_character(prefix: bytes) -> bool:
        return _plain_tail_start(prefix + b"\n", 1) == len(prefix)

    # a lost pair's character starts with a lead byte its stream leaves open
    groups = [(k, first, char, rests, gain) for k, prefix in enumerate(beam)
              if (prefix or isinstance(unit, Variant))
              and not (isinstance(unit, Lost) and not pending and ends_a_character(prefix))
              for first, char, rests, gain in _plain_options(
                  unit, prefix[-1] if prefix else 0, following, open_end, pending, split,
                  fits, preferred)]
    if not groups:
        return []
    starts = [_plain_tail_start(prefix) for prefix in beam]

    def going_on(k: int, end: int) -> float:
        """log P(stream k's text up to ``end``) - log P(its last characters), the line going
        on: the committed part a line-initial score of those characters leaves out."""
        whole, tail = model.score([gbk._decode(beam[k][:end]), gbk._decode(beam[k][starts[k]:end])],
                                  end=False)
        return float(whole - tail)

    if isinstance(unit, Lost) and sum(len(group[3]) for group in groups) > gbk.SHORTLIST:
        ends = [len(prefix) if pending else len(prefix) - 1 for prefix in beam]
        tails = [gbk._decode(beam[k][starts[k] : ends[k]]) for k in range(len(beam))]
        local = model.score([tails[k] + char for k, _, char, _, _ in groups])
        local += [going_on(k, ends[k]) for k, _, _, _, _ in groups]
        local += [group[4] for group in groups]
        best = sorted(range(len(groups)), key=lambda i: -local[i])[: gbk.SHORTLIST]
        groups = [groups[i] for i in best]
    grown = [(k, first + rest, gain) for k, first, _, rests, gain in groups for rest in rests]
    if len(grown) == 1:
        return [beam[grown[0][0]] + grown[0][1]]
    committed = [going_on(k, len(beam[k])) for k in range(len(beam))]
    scores = model.score([gbk._decode(beam[k][starts[k] :] + extra + following)
                          for k, extra, _ in grown])
    scores += [committed[k] + gain for k, _, gain in grown]
    order = sorted(range(len(grown)), key=lambda i: -scores[i])[:keep]
    return [beam[grown[i][0]] + grown[i][1] for i in order]


def _garbled_pages(seeds: range, back: bool) -> list[str]:
    """Polluted pages with garbles (converted back to Simplified when ``back``)."""
    pages = []
    for seed in seeds:
        rng = random.Random(seed)
        table = rng.choice(g.TABLES)
        text = "".join(rng.choice(SOURCE) for _ in range(12))
        site = g.random_site(rng, rng.randint(20, 150), table=table, straddlers=3)
        page = g.pollute(text, site_chars=site, table=table)
        if page != g.annotate_site(text, site_chars=site, table=table):
            pages.append(tongwen.convert(page, to="s") if back else page)
    return pages


@pytest.mark.parametrize("back", [False, True], ids=["page", "converted back"])
def test_the_beam_step_is_the_plain_step(monkeypatch: pytest.MonkeyPatch, back: bool) -> None:
    pages = _garbled_pages(range(60), back)
    steps: list[tuple[Any, ...]] = []
    fast_step = gbk._step

    def counted(*args: Any) -> list[bytes]:
        steps.append(args)
        return fast_step(*args)

    monkeypatch.setattr(gbk, "_step", counted)
    fast = [tongwen.clean(page, to=to) for page in pages for to in ("keep", "s")]
    # lost pairs (shortlisted), some right after another that left its lead byte open
    assert any(isinstance(args[1], Lost) and args[7] for args in steps)
    assert any(isinstance(args[1], Variant) for args in steps) == back
    monkeypatch.setattr(gbk, "_step", _plain_step)
    assert fast == [tongwen.clean(page, to=to) for page in pages for to in ("keep", "s")]


def test_lost_options_share_their_following_bytes() -> None:
    """The cached options of lost pairs share one tuple of next bytes per (byte, following)
    and one object per byte (thousands of cached entries stay small)."""
    first = gbk._lost_groups(0xB8, 0xC5, False)
    second = gbk._lost_groups(0xB9, 0xC5, False)
    shared = {byte: after for byte, _, after in first if after != (b"",)}
    assert shared
    for byte, _, after in second:
        if byte in shared:
            assert after is shared[byte] and after is gbk._after(byte, 0xC5)
    for after in shared.values():
        assert all(piece is gbk._BYTES[piece[0]] for piece in after)
