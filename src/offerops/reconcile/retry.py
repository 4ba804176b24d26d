"""One retry policy for every backend: exponential backoff with full jitter, bounded.

Throttling (429), internal errors (500) and ResourceInUse (423: another change set holds the
offer) are retried; everything else is the caller's to report. The same policy applies to the
embedded emulator, the HTTP emulator and AWS, because all three raise botocore ``ClientError``.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from botocore.exceptions import ClientError

T = TypeVar("T")

RETRYABLE = frozenset(
    {
        "ThrottlingException",
        "InternalServiceException",
        "ResourceInUseException",
        "ServiceUnavailable",
    }
)


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


@dataclass
class RetryPolicy:
    """Backoff settings and the counters a run reports (retries by error code)."""

    attempts: int = 8
    base_seconds: float = 0.1
    cap_seconds: float = 10.0
    sleep: Callable[[float], None] = time.sleep
    seed: int | None = None
    retries: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def call(self, operation: Callable[..., T], /, **kwargs: Any) -> T:
        """Call ``operation(**kwargs)``, retrying retryable errors with backoff."""
        for attempt in range(1, self.attempts + 1):
            try:
                return operation(**kwargs)
            except ClientError as error:
                code = error_code(error)
                if code not in RETRYABLE or attempt == self.attempts:
                    raise
                self._count(code)
                self.sleep(self.delay(attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def delay(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**attempt)]."""
        with self._lock:
            return self._random.uniform(0, min(self.cap_seconds, self.base_seconds * 2**attempt))

    def _count(self, code: str) -> None:
        with self._lock:
            self.retries[code] = self.retries.get(code, 0) + 1
