"""Alibaba Cloud failures → the sgbot error tree, with messages a chat user can act on.

Two kinds of failure arrive here: SDK exceptions (HTTP 4xx/5xx become ``ClientException``,
``ServerException`` or ``ThrottlingException``; transport trouble and unreadable bodies become
``UnretryableException``) and MSE envelopes that say ``Success: false`` under HTTP 200, which
the SDK returns as if nothing went wrong. Both become ``vocabulary.errors.CloudError`` subclasses
carrying the cloud RequestId; the table in the cloud docs mirrors ``translate``.
"""

from __future__ import annotations

from typing import Any

from darabonba.exceptions import UnretryableException
from Tea.exceptions import TeaException
from Tea.exceptions import UnretryableException as TeaUnretryableException

from bot.catalogue import say
from vocabulary.errors import (
    CloudError,
    CloudUnavailable,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Throttled,
)

SDK_ERRORS: tuple[type[BaseException], ...] = (
    TeaException,
    TeaUnretryableException,
    UnretryableException,
)
"""What the adapter catches around an SDK call; anything else is a bug and propagates."""

_CREDENTIAL_CODES = frozenset(
    {
        "InvalidCredentials",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "InvalidAccessKeyId",
        "InvalidAccessKeyId.NotFound",
        "InvalidAccessKeyId.Inactive",
        "InvalidSecurityToken.Expired",
        "InvalidSecurityToken.MismatchWithAccessKey",
    }
)
_PERMISSION_CODES = frozenset({"Forbidden.RAM", "NoPermission", "ErrorCheckAcl", "Forbidden"})
_HTTP_FORBIDDEN = 403
_HTTP_NOT_FOUND = 404
_HTTP_TOO_MANY = 429
_HTTP_SERVER_ERROR = 500


def translate(exc: BaseException, service: str, action: str) -> tuple[CloudError, float | None]:
    """Map one failure of ``service:action`` to our error and the server's retry hint (s)."""
    if isinstance(exc, CloudError):
        return exc, None
    if isinstance(exc, (UnretryableException, TeaUnretryableException)):
        inner = getattr(exc, "inner_exception", None) or exc
        return (
            CloudUnavailable(
                say(
                    "aliyun.unreachable",
                    service=service.upper(),
                    action=action,
                    error=type(inner).__name__,
                ),
                code=type(inner).__name__,
            ),
            None,
        )
    data = getattr(exc, "data", None)
    body: dict[str, Any] = data if isinstance(data, dict) else {}
    status = _int_or_none(getattr(exc, "status_code", None) or body.get("statusCode"))
    # The SDK formats an absent Code as the string "None".
    code = _present(getattr(exc, "code", None)) or _present(body.get("Code") or body.get("code"))
    message = _present(body.get("Message") or body.get("message")) or "no message"
    request_id = body.get("RequestId") or body.get("requestId") or getattr(exc, "request_id", None)
    retry_after_ms = getattr(exc, "retry_after", None)
    hint = retry_after_ms / 1000 if isinstance(retry_after_ms, int) and retry_after_ms else None
    detail = getattr(exc, "access_denied_detail", None) or body.get("AccessDeniedDetail")
    denied_action = detail.get("AuthAction") if isinstance(detail, dict) else None
    error = classify(
        service,
        action,
        status=status,
        code=code,
        message=message,
        request_id=str(request_id) if request_id and request_id != "None" else None,
        denied_action=denied_action,
        throttled=hint is not None,
    )
    return error, hint


def check_envelope(body: Any, service: str, action: str) -> None:
    """Raise if an MSE reply reports failure under HTTP 200 (``Success: false``/``Code`` ≥ 400)."""
    status = _int_or_none(getattr(body, "code", None))
    if getattr(body, "success", None) is not False and (status is None or status < 400):
        return
    raise classify(
        service,
        action,
        status=status or _HTTP_SERVER_ERROR,
        code=str(status) if status is not None else "",
        message=str(getattr(body, "message", None) or "the request failed"),
        request_id=getattr(body, "request_id", None),
        denied_action=None,
        throttled=False,
    )


def classify(
    service: str,
    action: str,
    *,
    status: int | None,
    code: str,
    message: str,
    request_id: str | None,
    denied_action: str | None,
    throttled: bool,
) -> CloudError:
    """The decision table: one failure description → one error class and message."""
    where = f"{service.upper()} {action}"
    if throttled or code.startswith("Throttling") or status == _HTTP_TOO_MANY:
        return Throttled(
            say("aliyun.throttled", where=where),
            request_id=request_id,
            code=code,
        )
    if code in _CREDENTIAL_CODES:
        return PermissionDenied(
            say("aliyun.credentials", code=code, where=where),
            request_id=request_id,
            code=code,
        )
    if code in _PERMISSION_CODES or status == _HTTP_FORBIDDEN:
        ram_action = denied_action or f"{service}:{action}"
        return PermissionDenied(
            say("aliyun.ram_denied", action=ram_action),
            action=ram_action,
            request_id=request_id,
            code=code,
        )
    if status == _HTTP_NOT_FOUND or "NotFound" in code:
        return NotFound(f"{where}: {message}", request_id=request_id, code=code or None)
    what = f"{code}: {message}" if code else say("aliyun.no_code", status=status, message=message)
    if status is not None and status >= _HTTP_SERVER_ERROR:
        return CloudUnavailable(
            say("aliyun.failed", where=where, what=what),
            request_id=request_id,
            code=code or None,
        )
    return InvalidInput(
        say("aliyun.refused", where=where, what=what), request_id=request_id, code=code or None
    )


def _present(value: object) -> str:
    """A field's text, or "" when absent (None, empty, or the SDK's "None")."""
    text = "" if value is None else str(value).strip()
    return "" if text in ("", "None") else text


def _int_or_none(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None
