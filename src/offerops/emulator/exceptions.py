"""Catalog API errors, as the real service names them, with their HTTP status.

The engine raises these; the HTTP layer serializes them with the ``x-amzn-ErrorType`` header and a
``{"Message": ...}`` body; the embedded client turns them into botocore ``ClientError`` so callers
see the same exception on every backend.
"""

from __future__ import annotations


class CatalogError(Exception):
    """An error the Catalog API returns to the caller (never a bug in the emulator)."""

    code = "InternalServiceException"
    http_status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationException(CatalogError):
    code = "ValidationException"
    http_status = 422


class ResourceNotFoundException(CatalogError):
    code = "ResourceNotFoundException"
    http_status = 404


class ResourceInUseException(CatalogError):
    code = "ResourceInUseException"
    http_status = 423


class ResourceNotSupportedException(CatalogError):
    code = "ResourceNotSupportedException"
    http_status = 415


class ServiceQuotaExceededException(CatalogError):
    code = "ServiceQuotaExceededException"
    http_status = 402


class ThrottlingException(CatalogError):
    code = "ThrottlingException"
    http_status = 429


class AccessDeniedException(CatalogError):
    code = "AccessDeniedException"
    http_status = 403


class InternalServiceException(CatalogError):
    code = "InternalServiceException"
    http_status = 500
