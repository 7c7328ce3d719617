--[[
create-workflow: a new workflow record at gate 0, phase pending, and its place in the index.

KEYS[1] workflow hash   KEYS[2] workflows sorted set
ARGV[1] thread id       ARGV[2] now (epoch ms)

Replies 1 when created, 0 when a record with this id exists (nothing changed).
]]
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
local threadId, now = ARGV[1], ARGV[2]
redis.call('HSET', KEYS[1], 'thread_id', threadId, 'gate', '0', 'phase', 'pending',
  'created_at', now, 'updated_at', now)
redis.call('ZADD', KEYS[2], now, threadId)
return 1
