"""What each demo part is given (see `kechuang.demo` for the contract)."""
from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TextIO

# The district size the fixed-size demo data was first written for: a part's volumes are stated per
# this many enterprises and grow or shrink with `--enterprises`.
REFERENCE_SIZE = 2000


@dataclass
class DemoContext:
    seed: str
    as_of: date
    enterprise_count: int
    stdout: TextIO
    users: dict = field(default_factory=dict)
    rng: random.Random = field(default_factory=random.Random)

    def for_part(self, name: str) -> DemoContext:
        """The context one part's builder gets: its own generator, the shared `users`."""
        return replace(self, rng=random.Random(f"{self.seed}:{name}"))

    def scaled(self, at_reference: float, at_least: int = 1) -> int:
        """A volume that is `at_reference` in a district of REFERENCE_SIZE enterprises, in proportion
        to this district's size, and never below `at_least`."""
        return max(at_least, round(at_reference * self.enterprise_count / REFERENCE_SIZE))
