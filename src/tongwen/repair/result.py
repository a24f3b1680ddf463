"""What detection and cleaning report about a document."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cached_property

from tongwen.text import han_count

__all__ = ["Cleaned", "Detection"]


@dataclass(frozen=True)
class Detection:
    """The decision (``polluted``), a ``score`` in [0, 1] and the evidence behind it.

    ``annotations``: ``字(reading)`` pairs found; ``fitting``: those whose reading is one of the
    character's readings; ``converted``: annotated characters written in a script-specific
    form; ``garbles``: GBK garbles found; ``han`` (counted when first asked): Han characters.
    """

    polluted: bool
    score: float
    annotations: int
    fitting: int
    converted: int
    garbles: int
    #: The text, kept to count its Han characters only when asked (clean text skips it).
    text: str = field(default="", repr=False, compare=False)

    @cached_property
    def han(self) -> int:
        """Han characters in the document."""
        return han_count(self.text)

    @property
    def density(self) -> float:
        """Annotations per Han character."""
        return self.annotations / self.han if self.han else 0.0

    def as_dict(self) -> dict[str, object]:
        """The evidence, the Han count and the density, for JSON."""
        fields = {k: v for k, v in asdict(self).items() if k != "text"}
        return {**fields, "han": self.han, "density": round(self.density, 6)}


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
