"""The one error type the server's services raise: an HTTP status, a code and a readable message."""

from __future__ import annotations


class ApiError(Exception):
    """A request the server refuses; becomes ``{"error": {"code", "message"}}`` with ``status``."""

    def __init__(self, status: int, code: str, message: str, **extra: int) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        #: More fields of ``error`` (e.g. ``last_op_seq`` on an op_seq 409).
        self.extra = extra


def unauthorized(code: str, message: str) -> ApiError:
    return ApiError(401, code, message)


def forbidden(code: str, message: str) -> ApiError:
    return ApiError(403, code, message)


def invalid(code: str, message: str) -> ApiError:
    return ApiError(422, code, message)
