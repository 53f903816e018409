"""What a benchmark reports: a figure beside its baseline from the same run."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Figure:
    name: str  # what was measured, e.g. "import 1000 articles"
    value: float  # our figure
    unit: str  # "ms", "docs/s", ...
    baseline_name: str = ""  # e.g. "raw sqlite3 executemany"
    baseline: float | None = None  # the baseline's figure in the same unit
    target: str = ""  # the requirement, e.g. "<= 150 ms and <= 2x baseline"
    higher_is_better: bool = False

    @property
    def ratio(self) -> float | None:
        """How many times slower than the baseline (1.0 = as fast; < 1 = faster)."""
        if self.baseline in (None, 0) or self.value == 0:
            return None
        return self.baseline / self.value if self.higher_is_better else self.value / self.baseline

    def line(self) -> str:
        base = ""
        if self.baseline is not None:
            r = self.ratio
            base = (f"   baseline {self.baseline_name}: {self.baseline:,.2f} {self.unit}"
                    + (f"   ratio {r:.2f}x" if r is not None else ""))
        tgt = f"   [target: {self.target}]" if self.target else ""
        return f"{self.name}: {self.value:,.2f} {self.unit}{base}{tgt}"


def median_ms(fn: Callable[[], object], repeat: int, warmup: int = 1) -> float:
    """Median wall time of ``fn`` in milliseconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)
