"""The failures a run meets in the field, as one line with a hint and an exit code.

An unreachable endpoint, a missing AWS profile, a corrupt or full emulator database or a full
disk are not bugs in offerops: they are what is left after the reconciler's retries, and the
user can fix them. :func:`explain` turns each family into an :class:`OfferopsError` (exit 1, or
2 when the configuration is wrong); anything it does not recognise stays a bug (exit 3 with a
crash log). The CLI's two error paths (``main`` and ``LazyGroup.invoke``, which click's test
runner uses) both go through :func:`explain` and :func:`report`, so they print the same thing.

botocore is never imported here: an error can only be a botocore error if botocore is loaded,
so ``offerops lint`` does not pay for it.
"""

from __future__ import annotations

import errno
import os
import signal
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from offerops.errors import BackendError, ConfigError, OfferopsError

DatabaseLocator = Callable[[], Path | None]
"""Where the emulator database is, looked up only when a sqlite error needs naming it."""

ENDPOINT_HINT = (
    "check backend.endpoint in offerops.yaml and the network (for kind: http, is "
    "`offerops emulator serve` running there?), then rerun"
)
CREDENTIALS_HINT = (
    "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, backend.profile in offerops.yaml, or an "
    "IAM role (in GitHub Actions: aws-actions/configure-aws-credentials with OIDC)"
)
RERUN_HINT = "rerun later: a rerun picks up where this one stopped"
SPACE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
ACCESS_ERRNOS = frozenset({errno.EACCES, errno.EPERM})
PATH_ERRNOS = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EEXIST, errno.ELOOP})
DEVICE_ERRNOS = frozenset({errno.EIO, errno.EMFILE, errno.ENFILE, errno.ENAMETOOLONG})


class Interrupted(BaseException):
    """SIGTERM (or another stop signal) outside apply: end like Ctrl-C, with 128 + the signal.

    A BaseException like KeyboardInterrupt, so ``except Exception`` never swallows it and
    ``finally`` blocks (closing the backend, removing temporary files) still run.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def signal_name(signum: int) -> str:
    return signal.Signals(signum).name


def explain(error: BaseException, database: DatabaseLocator | None = None) -> OfferopsError | None:
    """The expected failure ``error`` stands for, or None when it is a bug."""
    if isinstance(error, OfferopsError):
        return error
    for explainer in (_botocore, _sqlite, _os):
        failure = explainer(error, database)
        if failure is not None:
            failure.__cause__ = error
            return failure
    return None


def report(failure: OfferopsError) -> None:
    """Print ``failure`` as the CLI does: one line, and a hint saying what to do."""
    click.echo(f"offerops: error: {failure.message}", err=True)
    if failure.hint:
        click.echo(f"  hint: {failure.hint}", err=True)


def _botocore(error: BaseException, _database: DatabaseLocator | None) -> OfferopsError | None:
    exceptions = sys.modules.get("botocore.exceptions")
    if exceptions is None:
        return None
    if isinstance(error, exceptions.ClientError):
        return _client_error(error)
    if not isinstance(error, exceptions.BotoCoreError):
        return None
    if isinstance(error, exceptions.ParamValidationError):
        return None  # offerops built a request the API rejects: a bug
    return _configuration(error, exceptions) or _connection(error, exceptions)


def _configuration(error: Any, exceptions: Any) -> OfferopsError | None:
    """Credentials, profile and region: fixed in the configuration, so exit 2."""
    if isinstance(error, exceptions.ProfileNotFound):
        return ConfigError(
            f"AWS profile {error.kwargs.get('profile')!r} not found",
            hint="set backend.profile in offerops.yaml to a profile from "
            "`aws configure list-profiles`, or remove it to use the default credentials",
        )
    if isinstance(error, exceptions.NoCredentialsError | exceptions.PartialCredentialsError):
        return ConfigError(f"no usable AWS credentials: {error}", hint=CREDENTIALS_HINT)
    if isinstance(error, exceptions.NoRegionError | exceptions.InvalidRegionError):
        return ConfigError(
            f"no usable AWS region: {error}",
            hint="set backend.region in offerops.yaml, or AWS_REGION",
        )
    if isinstance(error, exceptions.ConfigParseError | exceptions.InvalidConfigError):
        return ConfigError(f"the AWS configuration is unusable: {error}")
    if isinstance(
        error,
        exceptions.CredentialRetrievalError | exceptions.TokenRetrievalError | exceptions.SSOError,
    ):
        return ConfigError(
            f"could not get AWS credentials: {error}",
            hint="log in again (e.g. `aws sso login`) or check the role configuration",
        )
    return None


def _connection(error: Any, exceptions: Any) -> OfferopsError:
    """Network failures left after the retries, and anything else botocore reports."""
    if isinstance(error, exceptions.ConnectionError | exceptions.HTTPClientError):
        where = error.kwargs.get("endpoint_url") or error.kwargs.get("proxy_url") or "?"
        return BackendError(f"cannot reach the marketplace at {where}: {error}", hint=ENDPOINT_HINT)
    if isinstance(error, exceptions.DataNotFoundError):
        return BackendError(
            f"botocore does not know this API: {error}",
            hint="upgrade botocore (pip install -U botocore)",
        )
    return BackendError(f"the AWS SDK failed: {error}", hint=RERUN_HINT)


def _client_error(error: Any) -> OfferopsError:
    """An API refusal that reached the top: name the call, the code and the fix."""
    details = error.response.get("Error", {})
    code = str(details.get("Code", "")) or "Unknown"
    message = str(details.get("Message", "")) or "no message"
    operation = getattr(error, "operation_name", None) or "a call"
    text = f"the marketplace refused {operation}: {code}: {message}"
    if code.startswith("AccessDenied"):
        return BackendError(
            text,
            hint=f"give the role aws-marketplace:{operation} (README, 'Backends' lists them all)",
        )
    if code in {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
    }:
        return ConfigError(
            text, hint=f"the AWS credentials are invalid or expired; {CREDENTIALS_HINT}"
        )
    if code in {"ThrottlingException", "InternalServiceException", "ServiceUnavailable"}:
        return BackendError(text, hint=f"the service is busy or failing; {RERUN_HINT}")
    return BackendError(text, hint="rerun; if it persists, run with the same input and file a bug")


def _sqlite(error: BaseException, database: DatabaseLocator | None) -> OfferopsError | None:
    """The emulator's database: corrupt, full, locked or not writable."""
    if not isinstance(error, sqlite3.DatabaseError):
        return None
    name = str(getattr(error, "sqlite_errorname", "") or "")
    where = _located(database)
    if name.startswith("SQLITE_CORRUPT") or name == "SQLITE_NOTADB":
        return BackendError(
            f"the emulator database{where} is corrupt: {error}",
            hint="move it aside or delete it; the emulator creates and seeds a new one on the next"
            " run (offers applied to the emulator are lost)",
        )
    if name == "SQLITE_FULL":
        return BackendError(
            f"the disk holding the emulator database{where} is full",
            hint="free some space, then rerun",
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return BackendError(
            f"the emulator database{where} is locked by another process: {error}",
            hint="wait for the other offerops (apply, emulator serve) to finish, then rerun",
        )
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_IOERR")):
        return BackendError(
            f"cannot write the emulator database{where}: {error}",
            hint="check that its directory is writable and the disk is healthy, then rerun",
        )
    return None


def _located(database: DatabaseLocator | None) -> str:
    try:
        path = database() if database is not None else None
    except Exception:  # naming the file is a courtesy; the failure is reported regardless
        path = None
    return f" {path}" if path is not None else ""


def _os(error: BaseException, _database: DatabaseLocator | None) -> OfferopsError | None:
    """Full, read-only or forbidden disks, with the path when the OS names it."""
    if not isinstance(error, OSError) or isinstance(error, ConnectionError):
        return None
    where = f" {os.fsdecode(error.filename)}" if error.filename is not None else ""
    reason = error.strerror or str(error)
    if error.errno in SPACE_ERRNOS:
        return OfferopsError(
            f"no space left on the device writing{where or ' a file'} ({reason})",
            hint="free some space, then rerun",
        )
    if error.errno in ACCESS_ERRNOS:
        return OfferopsError(
            f"permission denied:{where or ' a file'} ({reason})",
            hint="check the permissions of the file and its directory, then rerun",
        )
    if error.errno == errno.EROFS:
        return OfferopsError(
            f"read-only file system:{where or ' a file'}",
            hint="run in a writable checkout, or point --log/--out/backend.path elsewhere",
        )
    if error.errno in DEVICE_ERRNOS or (error.errno in PATH_ERRNOS and where):
        return OfferopsError(f"cannot use{where or ' a file'}: {reason}")
    return None
