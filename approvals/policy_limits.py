"""The auto-approval limit: grants per requester in a rolling 24 hours, shared by every replica.

One sorted set per requester holds the request ids auto-approved for them, scored by when.
Taking a slot is one Lua script (trim what is older than the window, count, add), so two
replicas deciding at once for the same person can never both take the last slot. A request
id already in the set counts once: a worker resuming a request does not spend a second slot.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from approvals.connect import RedisClient
from approvals.keys import Keys
from approvals.model import Actor

AUTO_WINDOW = timedelta(hours=24)

# KEYS[1] the requester's zset; ARGV[1] now (ms), ARGV[2] window (ms), ARGV[3] limit,
# ARGV[4] request id. Returns 1 when the request holds a slot, 0 when the limit is reached.
TAKE_SLOT = """
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then
  return 1
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return 1
"""


class AutoApprovalLimit:
    def __init__(self, client: RedisClient, keys: Keys, window: timedelta = AUTO_WINDOW) -> None:
        self._client = client
        self._keys = keys
        self._window_ms = int(window.total_seconds() * 1000)
        self._take = client.register_script(TAKE_SLOT)

    async def take(self, requester: Actor, request_id: str, limit: int, now: datetime) -> bool:
        """True if ``request_id`` may be auto-approved: fewer than ``limit`` in the window."""
        key = self._keys.auto_approvals(requester.org_id, requester.user_id)
        now_ms = int(now.timestamp() * 1000)
        taken = await self._take(keys=[key], args=[now_ms, self._window_ms, limit, request_id])
        return bool(int(taken))
