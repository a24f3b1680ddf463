"""What detection and cleaning report about a document."""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["Cleaned", "Detection"]


@dataclass(frozen=True)
class Detection:
    """The decision (``polluted``), a ``score`` in [0, 1] and the evidence behind it.

    ``annotations``: ``字(reading)`` pairs found; ``fitting``: those whose reading is one of the
    character's readings; ``converted``: annotated characters written in a converted
    (traditional-only) form; ``garbles``: GBK garbles found; ``han``: Han characters.
    """

    polluted: bool
    score: float
    han: int
    annotations: int
    fitting: int
    converted: int
    garbles: int

    @property
    def density(self) -> float:
        """Annotations per Han character."""
        return self.annotations / self.han if self.han else 0.0

    def as_dict(self) -> dict[str, object]:
        """The fields and the density, for JSON."""
        return {**asdict(self), "density": round(self.density, 6)}


@dataclass(frozen=True)
class Cleaned:
    """The cleaned ``text`` and what was done: readings stripped, garbles repaired, and
    whether the script was converted. A document that is not polluted comes back unchanged."""

    text: str
    detection: Detection
    stripped: int
    repaired: int
    converted: bool

    @property
    def changed(self) -> bool:
        """True when cleaning changed anything."""
        return bool(self.stripped or self.repaired or self.converted)
