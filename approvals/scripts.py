"""The Lua scripts of the store, each headed by the KEYS and ARGV it takes.

Every key a script touches is passed in KEYS and carries the store's hash tag, so one script
runs on one Cluster slot. ``COMMIT`` is the only way a request is written: a compare-and-set on
its version, guarded by optional checks, followed by the index, stream and timer operations the
Python side compiled (``approvals.writes``). Scores and numbers travel as strings so Lua's
doubles never round an id or a timestamp.
"""

from __future__ import annotations

COMMIT = """
-- KEYS[1]  request hash {p}:req:<id> (fields v, json)
-- KEYS[2..] every other key a guard or operation below names, by its index into KEYS
-- ARGV[1]  expected version; "0" means the request must not exist yet
-- ARGV[2]  the new request JSON (already carrying the new version)
-- ARGV[3]  milliseconds the request hash lives after this write; "0" keeps it forever
-- ARGV[4]  JSON {"guards": [...], "ops": [...]}; each item is [name, key index, args...]
--   guards, checked in order before anything is written:
--     ["absent", k]                 -> {"exists", value} when KEYS[k] exists (intake dedupe)
--     ["rate", k, min_score, limit] -> {"limited", oldest} when KEYS[k] has limit members
--                                      scored above min_score (older ones are dropped)
--     ["claim", k, pending_k, id]   -> {"taken", holder} when KEYS[k] names another request
--                                      that is still in the pending zset KEYS[pending_k]
--   ops, applied in order after the write:
--     ["zadd", k, score, member] ["zrem", k, member] ["ztrim", k, keep_newest]
--     ["xadd", k, maxlen ("0": no trim), field, value, ...]
--     ["set", k, value, ttl_ms ("0": no TTL)] ["del_if", k, value] ["pexpire", k, ms]
-- Returns {"ok", new_version} | {"stale", current_version or ""} | a guard's reply.
local current = redis.call('HGET', KEYS[1], 'v')
if ARGV[1] == '0' then
  if current then return {'stale', current} end
elseif current ~= ARGV[1] then
  return {'stale', current or ''}
end
local plan = cjson.decode(ARGV[4])
for _, g in ipairs(plan.guards) do
  local key = KEYS[tonumber(g[2])]
  if g[1] == 'absent' then
    local value = redis.call('GET', key)
    if value then return {'exists', value} end
  elseif g[1] == 'rate' then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. g[3])
    if redis.call('ZCARD', key) >= tonumber(g[4]) then
      local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
      return {'limited', oldest[2]}
    end
  elseif g[1] == 'claim' then
    local holder = redis.call('GET', key)
    if holder and holder ~= g[4] and redis.call('ZSCORE', KEYS[tonumber(g[3])], holder) then
      return {'taken', holder}
    end
  end
end
local version = tostring((tonumber(current) or 0) + 1)
redis.call('HSET', KEYS[1], 'v', version, 'json', ARGV[2])
if ARGV[3] == '0' then
  redis.call('PERSIST', KEYS[1])
else
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
for _, op in ipairs(plan.ops) do
  local key = KEYS[tonumber(op[2])]
  local name = op[1]
  if name == 'zadd' then
    redis.call('ZADD', key, op[3], op[4])
  elseif name == 'zrem' then
    redis.call('ZREM', key, op[3])
  elseif name == 'ztrim' then
    redis.call('ZREMRANGEBYRANK', key, 0, -tonumber(op[3]) - 1)
  elseif name == 'xadd' then
    local args = {key}
    if op[3] ~= '0' then
      table.insert(args, 'MAXLEN'); table.insert(args, '~'); table.insert(args, op[3])
    end
    table.insert(args, '*')
    for i = 4, #op do table.insert(args, op[i]) end
    redis.call('XADD', unpack(args))
  elseif name == 'set' then
    if op[4] == '0' then
      redis.call('SET', key, op[3])
    else
      redis.call('SET', key, op[3], 'PX', op[4])
    end
  elseif name == 'del_if' then
    if redis.call('GET', key) == op[3] then redis.call('DEL', key) end
  elseif name == 'pexpire' then
    redis.call('PEXPIRE', key, op[3])
  end
end
return {'ok', version}
"""

CLAIM_DUE_TIMERS = """
-- KEYS[1]  timers zset {p}:timers, scored by epoch seconds
-- ARGV[1]  now (epoch seconds); ARGV[2] most members to claim; ARGV[3] lease end (epoch s)
-- Returns a flat {member, score, ...} of due members with the score each was due at. Each is
-- re-scored to the lease end, not removed: one caller owns it until then, and if that caller
-- dies before ``ACK_TIMER`` the timer is due again at the lease end for anyone to claim.
local due = redis.call('ZRANGE', KEYS[1], '-inf', ARGV[1], 'BYSCORE', 'LIMIT', 0, ARGV[2],
                       'WITHSCORES')
for i = 1, #due, 2 do redis.call('ZADD', KEYS[1], 'XX', ARGV[3], due[i]) end
return due
"""

ACK_TIMER = """
-- KEYS[1]  timers zset {p}:timers
-- ARGV[1]  a member the caller claimed; ARGV[2] the lease end it was claimed with
-- Removes the member only while it still carries that lease: a commit that set the timer
-- again meanwhile (a retry, a new deadline) moved its score, and that timer must stay.
-- Returns 1 when removed, 0 otherwise.
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0
"""

OWNERS_BESIDES = """
-- KEYS[1]  owners set {p}:owners:<gw>:<sg>:<start>-<end>
-- KEYS[2]  live zset {p}:live
-- ARGV[1]  the request id asking
-- Returns the owners other than ARGV[1] that are still live; owners no longer live are pruned.
local others = {}
for _, owner in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if not redis.call('ZSCORE', KEYS[2], owner) then
    redis.call('SREM', KEYS[1], owner)
  elseif owner ~= ARGV[1] then
    table.insert(others, owner)
  end
end
return others
"""

ACK_AND_DELETE = """
-- KEYS[1]  a stream; ARGV[1] its consumer group; ARGV[2] an entry id
-- Acks the entry and deletes it from the stream so finished work does not pile up.
-- Returns 1 when it was pending, 0 when someone had already acked it.
local acked = redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
if acked > 0 then redis.call('XDEL', KEYS[1], ARGV[2]) end
return acked
"""

HEARTBEAT = """
-- KEYS[1]  a stream; ARGV[1] its consumer group; ARGV[2] the consumer; ARGV[3] an entry id
-- Resets the entry's idle time (XCLAIM ... JUSTID, which leaves the delivery count alone) while
-- ARGV[2] still holds it, so ``XAUTOCLAIM`` hands it to another consumer only once its holder
-- stops beating. Returns 1 while held, 0 when another consumer took it or it was acked.
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if #pending == 0 or pending[1][2] ~= ARGV[2] then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
return 1
"""

LEASE_RENEW = """
-- KEYS[1]  a lease key; ARGV[1] the holder's token; ARGV[2] the new TTL in milliseconds
-- Extends the lease only while the token still holds it. Returns 1 if held, 0 if lost.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

LEASE_RELEASE = """
-- KEYS[1]  a lease key; ARGV[1] the holder's token
-- Deletes the lease only while the token still holds it, so a holder whose lease expired never
-- frees one another caller took since. Returns 1 if released, 0 if it was no longer held.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""

QUERY_RATE = """
-- KEYS[1]  a person's lookup zset {p}:qrate:<org>:<user>, scored by epoch milliseconds
-- ARGV[1]  now (ms); ARGV[2] the window (ms); ARGV[3] lookups allowed in it; ARGV[4] a member
-- Counts one lookup and returns 0, or, when the window is full, counts nothing and returns the
-- milliseconds until its oldest lookup leaves it.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + tonumber(ARGV[2]) - tonumber(ARGV[1]))
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 0
"""
