"""The MSE reply envelope and the gateway lookups every MSE handler starts from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from standins.cloud.backend import Backend, CloudError
from standins.cloud.params import Params
from standins.cloud.state import Gateway

Body = dict[str, Any]


def ok(data: Any) -> Body:
    return {"Code": 200, "HttpStatusCode": 200, "Message": "success", "Success": True, "Data": data}


def not_found_in_body(message: str) -> Body:
    return {"Code": 404, "HttpStatusCode": 404, "Message": message, "Success": False}


def gateway_or_none(backend: Backend, params: Params) -> Gateway | None:
    return backend.gateway(params.required("GatewayUniqueId"))


def require_gateway(backend: Backend, params: Params) -> Gateway:
    found = gateway_or_none(backend, params)
    if found is None:
        raise CloudError(404, "NotFound", "The gateway does not exist.")
    return found


def gateway_in_body(
    handler: Callable[[Backend, Params, Gateway], Body],
) -> Callable[[Backend, Params], Body]:
    """Hands ``handler`` the request's gateway; for an unknown one these actions answer as MSE
    does, HTTP 200 with the 404 in the body."""

    def handle(backend: Backend, params: Params) -> Body:
        gateway = gateway_or_none(backend, params)
        if gateway is None:
            return not_found_in_body("The gateway does not exist.")
        return handler(backend, params, gateway)

    return handle
