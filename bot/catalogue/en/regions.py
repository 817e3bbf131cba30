"""Gateways in several regions: where a request's gateway is, and lists per region."""

MESSAGES = {
    "region.gateway_in": "{gateway} in {region}",
    "region.line": "Region: {region}",
}
