"""Reading RPC query parameters the way the Alibaba Cloud API gateway does.

Parameters arrive as strings; required ones that are absent fail with ``Missing<Name>``, booleans
are matched case-insensitively (the Python SDK sends ``True``), and list parameters are either
JSON arrays inside a string (``InstanceIds``) or flattened (``PrivateIpAddress.1``, ``.2``…).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TypeVar

from standins.cloud.errors import CloudError

Item = TypeVar("Item")


class Params:
    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = dict(values)

    def optional(self, name: str) -> str | None:
        value = self.values.get(name)
        return value if value else None

    def required(self, name: str) -> str:
        value = self.optional(name)
        if value is None:
            raise CloudError(400, f"Missing{name}", f"{name} is mandatory for this action.")
        return value

    def integer(self, name: str, default: int | None = None) -> int:
        value = self.optional(name)
        if value is None:
            if default is None:
                return int(self.required(name))
            return default
        try:
            return int(value)
        except ValueError as exc:
            raise CloudError(
                400, "InvalidParameter", f"{name} must be an integer, got {value!r}."
            ) from exc

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.optional(name)
        if value is None:
            return default
        if value.lower() in {"true", "false"}:
            return value.lower() == "true"
        raise CloudError(400, "InvalidParameter", f"{name} must be true or false, got {value!r}.")

    def json_list(self, name: str) -> list[str] | None:
        value = self.optional(name)
        if value is None:
            return None
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError as exc:
            raise CloudError(
                400, f"InvalidParameter.{name}", f"{name} must be a JSON array."
            ) from exc
        if not isinstance(parsed, list):
            raise CloudError(400, f"InvalidParameter.{name}", f"{name} must be a JSON array.")
        return [str(item) for item in parsed]

    def repeated(self, name: str) -> list[str] | None:
        """A list sent flattened, as ``Name.1``, ``Name.2``…; None when there is none."""
        prefix = f"{name}."
        numbered = [
            (int(key.removeprefix(prefix)), value)
            for key, value in self.values.items()
            if key.startswith(prefix) and key.removeprefix(prefix).isdigit() and value
        ]
        return [value for _, value in sorted(numbered)] or None

    def json_object(self, name: str) -> dict[str, object]:
        value = self.optional(name)
        if value is None:
            return {}
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError as exc:
            raise CloudError(400, "InvalidParameter", f"{name} must be a JSON object.") from exc
        if not isinstance(parsed, dict):
            raise CloudError(400, "InvalidParameter", f"{name} must be a JSON object.")
        return parsed


def page(items: list[Item], page_number: int, page_size: int) -> list[Item]:
    if page_number < 1 or page_size < 1:
        raise CloudError(400, "InvalidParameter", "PageNumber and PageSize must be positive.")
    start = (page_number - 1) * page_size
    return items[start : start + page_size]
