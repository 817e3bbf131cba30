"""The provider error every emulator layer raises: HTTP status, code and message."""

from __future__ import annotations


class CloudError(Exception):
    """A provider error: HTTP status, the provider's code and message, as the real API sends."""

    def __init__(self, http_status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.http_status = http_status
        self.code = code
        self.message = message
