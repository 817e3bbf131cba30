"""ACS3-HMAC-SHA256 request signatures, verified the way the Alibaba Cloud gateway checks them.

The client signs ``METHOD, path, canonical query, the headers it names in SignedHeaders, and the
body's SHA-256``. The query arrives form-encoded (``+`` for space), so it is parsed and then
re-encoded per RFC 3986 (``quote(value, safe='~')``) before comparing; only the headers the client
listed are canonicalised, because transports add unsigned ones (``Content-Length``…).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote

ALGORITHM = "ACS3-HMAC-SHA256"


class SignatureProblem(Exception):
    """The request's signature is missing, malformed or wrong; ``code`` is the provider's."""

    def __init__(self, code: str, message: str, http_status: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.http_status = http_status


@dataclass(frozen=True)
class Authorization:
    access_key_id: str
    signed_headers: tuple[str, ...]
    signature: str


def parse_authorization(header: str | None) -> Authorization:
    if not header:
        raise SignatureProblem("MissingAuthorization", "The Authorization header is missing.", 400)
    algorithm, _, rest = header.partition(" ")
    if algorithm != ALGORITHM:
        raise SignatureProblem(
            "IncompleteSignature", f"Unsupported signature algorithm {algorithm!r}.", 400
        )
    fields = dict(part.strip().partition("=")[::2] for part in rest.split(","))
    try:
        return Authorization(
            access_key_id=fields["Credential"],
            signed_headers=tuple(fields["SignedHeaders"].split(";")),
            signature=fields["Signature"],
        )
    except KeyError as exc:
        raise SignatureProblem(
            "IncompleteSignature", f"The Authorization header lacks {exc.args[0]}.", 400
        ) from exc


def canonical_query(raw_query: str) -> str:
    pairs = sorted(parse_qsl(raw_query, keep_blank_values=True))
    return "&".join(f"{key}={quote(value, safe='~')}" for key, value in pairs)


def expected_signature(
    *,
    secret: str,
    method: str,
    path: str,
    raw_query: str,
    headers: Mapping[str, list[str]],
    signed_headers: tuple[str, ...],
    body: bytes,
) -> str:
    """The signature a client holding ``secret`` would have sent; ``headers`` is lower-cased."""
    canonical_headers = "".join(
        f"{name}:{','.join(sorted(value.strip() for value in headers.get(name, [])))}\n"
        for name in signed_headers
    )
    canonical_request = "\n".join(
        [
            method,
            path or "/",
            canonical_query(raw_query),
            canonical_headers,
            ";".join(signed_headers),
            hashlib.sha256(body).hexdigest(),
        ]
    )
    string_to_sign = f"{ALGORITHM}\n{hashlib.sha256(canonical_request.encode()).hexdigest()}"
    return hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()


def verify(
    authorization: Authorization,
    *,
    secret: str,
    method: str,
    path: str,
    raw_query: str,
    headers: Mapping[str, list[str]],
    body: bytes,
) -> None:
    expected = expected_signature(
        secret=secret,
        method=method,
        path=path,
        raw_query=raw_query,
        headers=headers,
        signed_headers=authorization.signed_headers,
        body=body,
    )
    if not hmac.compare_digest(expected, authorization.signature):
        raise SignatureProblem(
            "SignatureDoesNotMatch",
            "The request signature does not conform to Aliyun standards.",
            400,
        )
