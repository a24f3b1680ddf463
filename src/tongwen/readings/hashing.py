"""64-bit integer hashing shared by the polyphone model's features: splitmix64 on Python ints
and, elementwise and wrapping, on numpy uint64 arrays."""

from __future__ import annotations

import numpy as np

__all__ = ["SLOT", "mix", "mix_int", "slot_of", "splitmix"]

_M64 = (1 << 64) - 1


def mix_int(x: int) -> int:
    """The splitmix64 finaliser of ``x`` (an int in [0, 2**64)): ``mix`` on one Python int."""
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _M64
    return x ^ (x >> 31)


def splitmix(x: int) -> int:
    """splitmix64 of ``x`` (any int, taken modulo 2**64)."""
    return mix_int((x + 0x9E3779B97F4A7C15) & _M64)


_SLOT_INT = splitmix(3) | 1
#: The odd multiplier whose top bits make a slot.
SLOT = np.uint64(_SLOT_INT)
_C1, _C2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


def mix(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser, elementwise (uint64, wrapping)."""
    x = x ^ (x >> _S30)
    x = x * _C1
    x = x ^ (x >> _S27)
    x = x * _C2
    out: np.ndarray = x ^ (x >> _S31)
    return out


def slot_of(key: int, pair: int, bits: int) -> int:
    """The slot of ``key`` under ``pair`` in a table of ``2**bits``: what the numpy code
    computes as ``((key ^ pair) * SLOT) >> (64 - bits)``."""
    return (((key ^ pair) * _SLOT_INT) & _M64) >> (64 - bits)
