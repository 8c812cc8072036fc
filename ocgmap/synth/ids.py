"""Unique synthetic identifiers: VRMs, trailer ids, phones, company and licence numbers.

Every identifier is drawn from an :class:`Ids` factory that never hands out the same value
twice, so planted groups, decoys and the honest background can only share an identifier
when a scenario shares it on purpose.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable

__all__ = ["Ids"]

_PLATE = "ABCDEFGHJKLMNOPRSTUVWXY"
_UPPER = string.ascii_uppercase

#: Country -> (calling code, national significant number length, leading digits choices).
_PHONES: dict[str, tuple[str, int, tuple[str, ...]]] = {
    "GB": ("44", 10, ("74", "75", "77", "78", "79")),
    "PL": ("48", 9, ("50", "51", "53", "57", "60", "66", "69", "72", "78", "88")),
    "RO": ("40", 9, ("72", "73", "74", "75", "76")),
    "BG": ("359", 9, ("87", "88", "89")),
    "LT": ("370", 8, ("60", "61", "62", "65", "68")),
    "NL": ("31", 9, ("61", "62", "63", "64", "65")),
    "AL": ("355", 9, ("67", "68", "69")),
    "TR": ("90", 10, ("53", "54", "55")),
    "IQ": ("964", 10, ("75", "77", "78")),
}


class Ids:
    """Hand out identifiers that are unique within one synthetic world.

    Parameters
    ----------
    rng : random.Random
        The generator's random stream for identifiers.

    Examples
    --------
    >>> ids = Ids(random.Random(1))
    >>> a, b = ids.vrm("GB"), ids.vrm("GB")
    >>> a != b and len(a) == 7
    True
    >>> ids.phone("GB").startswith("+447")
    True
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._used: set[str] = set()
        self._counters: dict[str, int] = {}

    def _unique(self, make: Callable[[], str]) -> str:
        for _ in range(1000):
            value = make()
            if value not in self._used:
                self._used.add(value)
                return value
        raise RuntimeError("identifier space exhausted")  # pragma: no cover

    def _letters(self, n: int, alphabet: str = _UPPER) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def _digits(self, n: int) -> str:
        return f"{self.rng.randrange(10**n):0{n}d}"

    def vrm(self, country: str) -> str:
        """A normalised registration mark in the country's usual shape."""
        makers: dict[str, Callable[[], str]] = {
            "GB": lambda: (
                self._letters(2, _PLATE)
                + self.rng.choice(
                    [
                        "15",
                        "16",
                        "18",
                        "19",
                        "21",
                        "22",
                        "23",
                        "24",
                        "66",
                        "68",
                        "70",
                        "71",
                        "72",
                        "73",
                        "74",
                    ]
                )
                + self._letters(3, _PLATE)
            ),
            "PL": lambda: (
                self.rng.choice(["WGM", "PO", "KR", "WX", "DW", "GD", "LU", "ZS"])
                + self._digits(4)
                + self._letters(1, _PLATE)
            ),
            "RO": lambda: (
                self.rng.choice(["B", "CJ", "TM", "IS", "CT", "BV"])
                + self._digits(2)
                + self._letters(3, _PLATE)
            ),
            "BG": lambda: (
                self.rng.choice(["CA", "CB", "PB", "BP", "E", "H"])
                + self._digits(4)
                + self._letters(2, "ABEKMHOPCTYX")
            ),
            "LT": lambda: self._letters(3, _PLATE) + self._digits(3),
            "NL": lambda: self._digits(2) + self._letters(3, "BDFGHJKLNPRSTVXZ") + self._digits(1),
        }
        return self._unique(makers.get(country, makers["GB"]))

    def trailer_id(self, country: str) -> str:
        """A trailer id: a GB trailer's C-plate number, else a trailer registration."""
        if country == "GB":
            return self._unique(lambda: "C" + self._digits(6))
        return self._unique(lambda: self.vrm(country)[:-1] + self._letters(1, "TPRS") + "T")

    def phone(self, country: str) -> str:
        """A mobile number in E.164 for the country."""
        code, length, leads = _PHONES.get(country, _PHONES["GB"])
        return self._unique(
            lambda: f"+{code}" + (lead := self.rng.choice(leads)) + self._digits(length - len(lead))
        )

    def company_number(self) -> str:
        """A Companies House number: eight digits, zero-padded."""
        return self._unique(lambda: f"{self.rng.randrange(4_000_000, 16_500_000):08d}")

    def licence(self, area: str) -> str:
        """A goods vehicle operator licence number for a traffic area letter."""
        return self._unique(lambda: f"O{area}{self.rng.randrange(1_000_000, 2_300_000)}")

    def ref(self, prefix: str, width: int = 6) -> str:
        """A sequential reference with a prefix, e.g. ``BF-25-000017``."""
        self._counters[prefix] = self._counters.get(prefix, 0) + 1
        return self._unique(lambda: f"{prefix}{self._counters[prefix]:0{width}d}")

    def claim(self, value: str) -> str:
        """Reserve a value chosen elsewhere (e.g. a name + DOB key); it must be new."""
        if value in self._used:
            raise ValueError(f"{value!r} is already in use")
        self._used.add(value)
        return value

    def is_used(self, value: str) -> bool:
        """Whether a value has been handed out or claimed."""
        return value in self._used
