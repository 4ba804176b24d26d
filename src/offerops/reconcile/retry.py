"""One retry policy for every backend call: exponential backoff with full jitter, bounded.

Transient faults are retried: throttling (429 and the throttling codes), server errors (any 5xx,
InternalServiceException, ServiceUnavailable), ResourceInUse (423: another change set holds the
offer), and the network (the endpoint refused or dropped the connection, a connect or read
timeout). Everything else is the caller's to report, as the ``ClientError`` it is, so apply can
name the offer a validation error belongs to. The same policy applies to the embedded emulator,
the HTTP emulator and AWS; botocore's own retries are off (``catalog/factory.py``), so the attempts
are never multiplied.

Throttling is a pace signal, not a failure: before each attempt the call takes a slot in its
operation's lane (``offerops.catalog.quotas``: paced to the account's request quotas), a
throttling answer slows that lane, and a throttled call is tried again, without counting against
the attempts, until ``throttle_patience_seconds`` have passed since its first throttling answer
(an hour by default: longer than any apply would wait anyway).

When the attempts run out, :class:`RetriesExhausted` (a :class:`~offerops.errors.BackendError`)
says which operation failed, why, and what to do, instead of a raw botocore exception.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar
from urllib.parse import urlsplit

from botocore import exceptions as boto
from botocore.exceptions import ClientError

from offerops.catalog.quotas import Limiter
from offerops.errors import BackendError
from offerops.timing import RealClock, RunClock

T = TypeVar("T")
P = ParamSpec("P")

THROTTLING = frozenset(
    {"ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded"}
)
"""The codes that mean "slow down" (with HTTP 429): paced and retried, never a failure."""

RETRYABLE = THROTTLING | frozenset(
    {
        "InternalServiceException",
        "InternalServerException",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestTimeout",
        "RequestTimeoutException",
        "ResourceInUseException",
    }
)
"""Error codes retried whatever their HTTP status (the Catalog and Agreement APIs' spellings)."""

NETWORK_HINT = "check the network and backend settings in offerops.yaml, then rerun"
BUSY_HINT = "the service is busy or failing; rerun later (a rerun picks up where this one stopped)"


class RetriesExhausted(BackendError):
    """A transient fault outlasted every attempt: the run cannot go on against this backend."""

    def __init__(self, operation: str, message: str, hint: str) -> None:
        super().__init__(message, hint=hint)
        self.operation = operation


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def http_status(error: ClientError) -> int:
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    return status if isinstance(status, int) else 0


def is_throttling(error: Exception) -> bool:
    """Whether the service asked the caller to slow down."""
    if not isinstance(error, ClientError):
        return False
    return error_code(error) in THROTTLING or http_status(error) == 429


def transient_reason(error: Exception) -> str | None:
    """A short name for a transient fault (counted in the apply log), or None if it is not one.

    SSL errors are left out: a certificate that does not verify will not verify on a retry.
    """
    if isinstance(error, ClientError):
        code, status = error_code(error), http_status(error)
        if code in RETRYABLE or status == 429 or status >= 500:
            return code or f"HTTP{status}"
        return None
    if isinstance(error, boto.SSLError):
        return None
    if isinstance(error, boto.ConnectionError | boto.HTTPClientError):
        return type(error).__name__
    return None


@dataclass
class RetryPolicy:
    """Backoff settings and the counters a run reports (retries by error code)."""

    attempts: int = 8
    connect_attempts: int = 4
    """For a refused connection (EndpointConnectionError): usually a wrong endpoint or a stopped
    emulator, so the clear error comes after about a second instead of ten."""
    base_seconds: float = 0.1
    cap_seconds: float = 10.0
    sleep: Callable[[float], None] = time.sleep
    seed: int | None = None
    network_hint: str = NETWORK_HINT
    """What to do when the backend stays unreachable (the session names its endpoint)."""
    clock: RunClock = field(default_factory=RealClock)
    limiter: Limiter | None = None
    """The run's pacing (None: a limiter on ``clock`` with no configured quotas)."""
    throttle_patience_seconds: float = 3600.0
    retries: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        if self.limiter is None:
            self.limiter = Limiter(clock=self.clock)

    @property
    def pace(self) -> Limiter:
        assert self.limiter is not None  # set in __post_init__
        return self.limiter

    def call(self, operation: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Call ``operation(**kwargs)`` at its lane's pace, retrying transient faults.

        Raises :class:`RetriesExhausted` when the last attempt fails transiently (or throttling
        outlasts the patience); any other error (a validation ``ClientError``, a bug) is raised
        unchanged at once.
        """
        name = operation_name(operation)
        attempts, tries, patience_ends = 0, 0, float("inf")
        while True:
            tries += 1
            self.sleep(self.pace.reserve(name))
            try:
                result = operation(*args, **kwargs)
            except (ClientError, boto.ConnectionError, boto.HTTPClientError) as error:
                reason = transient_reason(error)
                if reason is None:
                    raise
                if is_throttling(error):
                    self.pace.throttled(name)
                    if patience_ends == float("inf"):
                        patience_ends = self.clock.now() + self.throttle_patience_seconds
                    if self.clock.now() >= patience_ends:
                        raise self.exhausted(operation, error, tries) from error
                else:
                    attempts += 1
                    if attempts >= self._limit(error):
                        raise self.exhausted(operation, error, attempts) from error
                    self.sleep(self.delay(attempts))
                self._count(reason)
                continue
            self.pace.succeeded(name)
            return result

    def delay(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**attempt)]."""
        with self._lock:
            return self._random.uniform(0, min(self.cap_seconds, self.base_seconds * 2**attempt))

    def _limit(self, error: Exception) -> int:
        refused = isinstance(error, boto.EndpointConnectionError)
        return min(self.attempts, self.connect_attempts) if refused else self.attempts

    def exhausted(
        self, operation: Callable[..., object], error: Exception, attempts: int
    ) -> RetriesExhausted:
        """The error for a transient fault that outlasted every attempt: what, why, what to do."""
        name = operation_name(operation, error)
        tries = f"{attempts} attempt(s)"
        if isinstance(error, ClientError):
            message = error.response.get("Error", {}).get("Message", "") or "no message"
            cause = f"{error_code(error) or f'HTTP {http_status(error)}'}: {message}"
            return RetriesExhausted(
                name, f"the marketplace kept failing {name} ({cause}), {tries}", BUSY_HINT
            )
        endpoint = _site(getattr(error, "kwargs", {}).get("endpoint_url"))
        if isinstance(error, boto.EndpointConnectionError | boto.ConnectTimeoutError):
            what = f"the marketplace endpoint {endpoint} is unreachable"
        elif isinstance(error, boto.ReadTimeoutError | boto.ConnectionClosedError):
            what = f"the marketplace endpoint {endpoint} stopped answering"
        else:
            what = f"the connection to the marketplace endpoint {endpoint} failed"
        return RetriesExhausted(name, f"{what}: {error} ({name}, {tries})", self.network_hint)

    def throttled(self) -> int:
        """Throttling answers retried so far (the heartbeat's count)."""
        with self._lock:
            return sum(
                n for code, n in self.retries.items() if code in THROTTLING or code == "HTTP429"
            )

    def _count(self, code: str) -> None:
        with self._lock:
            self.retries[code] = self.retries.get(code, 0) + 1


def _site(url: object) -> str:
    """``scheme://host:port`` of a request URL (botocore's includes the operation's path)."""
    if not isinstance(url, str) or not url:
        return "the configured endpoint"
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else url


def operation_name(operation: Callable[..., object], error: Exception | None = None) -> str:
    """The API operation's name as AWS spells it (``list_entities`` -> ``ListEntities``)."""
    named = getattr(error, "operation_name", None)
    if named:
        return str(named)
    python_name = getattr(operation, "__name__", "") or "a call"
    return "".join(part[:1].upper() + part[1:] for part in python_name.split("_"))
