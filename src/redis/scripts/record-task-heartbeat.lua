--[[
record-task-heartbeat: an agent's sign of life on its task, written only while the task is still
the agent's (fenced as record-task-result.lua is; docs/redis-contract.md, "Fencing stale agents").
A raw `HSET wave:task:<id> heartbeat_at` after a reset deleted the task would recreate a record
holding only `heartbeat_at`; this script never creates one.

KEYS[1] task hash        KEYS[2] workflow hash
KEYS[3] optional: the agent activity hash (wave:agent-activity): a written heartbeat records that an
        agent of the task's domain (its `queue` field) is alive at ARGV[2]
ARGV[1] attempt the agent holds (the task's `attempt` when it took it)
ARGV[2] now (epoch ms)   ARGV[3] thread id (the task's owner)

Replies {1} when heartbeat_at was HSET, else nothing is written and the reply says why, with the
codes of record-task-result.lua:
 {-1} the task is gone (no record, or its owner is not ARGV[3])
 {-2} the task was cancelled     {-3} the task belongs to another attempt than the one held
 {-4} the workflow was reset since    {-5} the task already has its final status
]]
--- @include "includes/agentSeen"
--- @include "includes/taskFence"

local refusal = taskFence(KEYS[1], KEYS[2], ARGV[3], ARGV[1])
if refusal ~= 0 then
  return {refusal}
end
redis.call('HSET', KEYS[1], 'heartbeat_at', ARGV[2])
agentSeen(KEYS[3], redis.call('HGET', KEYS[1], 'queue'), ARGV[2])
return {1}
