"""Gateways in several regions: where a request's gateway is, and lists per region."""

MESSAGES = {
    "region.gateway_in": "{gateway} in {region}",
    "region.line": "Region: {region}",
    "region.rules_title": "Rules by region",
    "region.section": "*{region}*",
    "region.gateway_rules": "• {gateway}: {count} rules, {owned} created through sgbot",
    "region.no_gateways": "_No gateways in {region}._",
    "region.rules_hint": "One gateway's rules: `list rules for gateway NAME in REGION`.",
    "region.rules_fallback": "Rules of every gateway in {regions}",
    "region.not_served": (
        "sgbot does not serve region {region}; it serves {served}. Name one of those after "
        "the gateway, or leave the region out."
    ),
}
