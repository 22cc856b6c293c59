"""What each demo part is given (see `kechuang.demo` for the contract)."""
from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TextIO

# The district size the demo's volumes are stated for: a part's volumes grow in proportion beyond it,
# and stay at their reference value below it, so that a small district (the tests build 30 to 60
# enterprises) still shows every kind of record and every state.
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

    def scaled(self, at_reference: int) -> int:
        """A volume that is `at_reference` in a district of REFERENCE_SIZE enterprises, in proportion
        to this district's size when it is larger."""
        return max(at_reference, round(at_reference * self.enterprise_count / REFERENCE_SIZE))
