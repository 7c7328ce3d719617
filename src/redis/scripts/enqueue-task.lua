--[[
enqueue-task: record a task, index it under its workflow and queue it, in one step.

KEYS[1] workflow hash   KEYS[2] its task index set   KEYS[3] domain queue   KEYS[4] task hash
ARGV[1] thread id       ARGV[2] task id              ARGV[3] data (JSON)    ARGV[4] domain
ARGV[5] now (epoch ms)

Replies {1, attempt} when queued, {0} when the workflow has no record, {-1} when the task id is taken.
The task is stamped with the workflow's `attempt` (missing or not decimal: 0): the agent that takes
it carries that attempt to record-task-result.lua, which refuses it once a reset moved the workflow on.
Producers LPUSH and agents RPOP/BRPOP, so each queue is first in, first out.
]]
--- @include "includes/counter"
--- @include "includes/decimal"

if redis.call('EXISTS', KEYS[1]) == 0 then
  return {0}
end
if redis.call('EXISTS', KEYS[4]) == 1 then
  return {-1}
end
local taskId, now = ARGV[2], ARGV[5]
local attempt = decimal(counter(redis.call('HGET', KEYS[1], 'attempt')))
redis.call('HSET', KEYS[4], 'thread_id', ARGV[1], 'data', ARGV[3], 'status', 'pending',
  'queue', ARGV[4], 'enqueued_at', now, 'attempt', attempt)
redis.call('SADD', KEYS[2], taskId)
redis.call('LPUSH', KEYS[3], taskId)
redis.call('HSET', KEYS[1], 'updated_at', now)
return {1, attempt}
