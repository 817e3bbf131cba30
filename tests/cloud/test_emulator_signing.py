"""The emulator's signature check against a request captured from the real SDK, and tampering."""

from __future__ import annotations

import pytest

from standins.cloud.signing import (
    SignatureProblem,
    canonical_query,
    expected_signature,
    parse_authorization,
    verify,
)

CAPTURED_QUERY = (
    "Description=slack-bot%3A+team-a+svc+foo&GatewayUniqueId=gw-c9bc5afd61014165bd58f621b491xxxx"
    "&PortRange=8080%2F8080&SecurityGroupId=sg-bp1cg6qlyjepj0y6cf2c"
)
CAPTURED_HEADERS = {
    "host": ["127.0.0.1:18080"],
    "x-acs-version": ["2019-05-31"],
    "x-acs-action": ["AddSecurityGroupRule"],
    "user-agent": ["AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2"],
    "x-acs-date": ["2026-11-26T03:16:49Z"],
    "x-acs-signature-nonce": ["a28187bbebc5afc7521c551b736d279c"],
    "accept": ["application/json"],
    "x-acs-content-sha256": ["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    "x-acs-credentials-provider": ["static_ak"],
    "accept-encoding": ["identity"],
    "content-length": ["0"],
}
CAPTURED_AUTHORIZATION = (
    "ACS3-HMAC-SHA256 Credential=LTAI_TEST_AK,SignedHeaders=accept;host;user-agent;x-acs-action;"
    "x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;"
    "x-acs-version,Signature=e847f29572bb66a6178fa33af9dfa0254bad22c45a85c132f6a8f7dc70b80457"
)


def verify_captured(query: str = CAPTURED_QUERY, secret: str = "TEST_SECRET") -> None:
    verify(
        parse_authorization(CAPTURED_AUTHORIZATION),
        secret=secret,
        method="POST",
        path="/",
        raw_query=query,
        headers=CAPTURED_HEADERS,
        body=b"",
    )


def test_captured_sdk_request_verifies() -> None:
    verify_captured()


@pytest.mark.parametrize(
    ("query", "secret"),
    [
        (CAPTURED_QUERY.replace("8080%2F8080", "8080%2F8081"), "TEST_SECRET"),
        (CAPTURED_QUERY, "OTHER_SECRET"),
    ],
)
def test_tampered_request_is_rejected(query: str, secret: str) -> None:
    with pytest.raises(SignatureProblem) as caught:
        verify_captured(query, secret)
    assert caught.value.code == "SignatureDoesNotMatch"
    assert caught.value.http_status == 400


def test_form_encoded_query_is_reencoded_per_rfc3986() -> None:
    assert canonical_query("b=x+y&a=%5B%22i-1%22%5D&c=") == "a=%5B%22i-1%22%5D&b=x%20y&c="


def test_unsigned_headers_do_not_count() -> None:
    def sign(headers: dict[str, list[str]]) -> str:
        return expected_signature(
            secret="s",
            method="GET",
            path="/clusters/c1",
            raw_query="",
            headers=headers,
            signed_headers=("host", "x-acs-date"),
            body=b"",
        )

    headers = {"host": ["h"], "x-acs-date": ["d"]}
    assert sign(headers) == sign(headers | {"content-length": ["0"]})
    assert sign(headers) != sign(headers | {"host": ["other"]})


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "MissingAuthorization"),
        ("HMAC-SHA1 Credential=a", "IncompleteSignature"),
        ("ACS3-HMAC-SHA256 Credential=a,Signature=b", "IncompleteSignature"),
    ],
)
def test_malformed_authorization(header: str | None, code: str) -> None:
    with pytest.raises(SignatureProblem) as caught:
        parse_authorization(header)
    assert caught.value.code == code
