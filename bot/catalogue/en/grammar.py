"""What the grammar had to infer to read a phrasing, shown before anything is sent."""

MESSAGES = {
    "infer.status": "`{word}` on its own read as its status",
    "infer.gateway": "`{word}` taken as the gateway",
    "infer.cluster": "`{word}` taken as a cluster id",
    "infer.service": "`{word}` taken as a service",
    "infer.split": "`{word}` split into words where I took names to end",
    "infer.revoke": "`{word}` read as `revoke`",
    "infer.no_reason": "the reason left out: a revoke carries none",
    "infer.dropped": "`{word}` left out",
    "infer.dropped_permanent": (
        "`{word}` left out: no duration was given, so the access would be permanent"
    ),
    "infer.needs_confirmation": ("I read this as `{shown}` ({notes}). Type it that way to use it."),
}
