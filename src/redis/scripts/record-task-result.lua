--[[
record-task-result: an agent's result and final status, written only if the agent's attempt is
still the workflow's (fencing; docs/redis-contract.md, "Fencing stale agents").

KEYS[1] task hash        KEYS[2] result key          KEYS[3] workflow hash
KEYS[4] optional: the agent activity hash (wave:agent-activity): a written result records that an
        agent of the task's domain (its `queue` field) is alive at ARGV[5]
ARGV[1] task id          ARGV[2] attempt the agent holds (the task's `attempt` when it took it)
ARGV[3] result JSON      ARGV[4] final status (completed | failed)
ARGV[5] now (epoch ms)   ARGV[6] results channel     ARGV[7] thread id (the task's owner)

Replies {1} when written (result SET, status and finished_at HSET, notification PUBLISHed), else
nothing is written and the reply says why:
 {-1} the task is gone (no record, or its owner is not ARGV[7]: another workflow, or none)
 {-2} the task was cancelled (a reset took it away)
 {-3} the task belongs to another attempt than the one the agent holds
 {-4} the workflow was reset since: its attempt is newer than the agent's
 {-5} the task already has its final status (completed or failed): the first write stands
A missing or non-decimal `attempt` reads as 0, on the task and on the workflow.
]]
--- @include "includes/agentSeen"
--- @include "includes/counter"
--- @include "includes/decimal"
--- @include "includes/jsonString"
--- @include "includes/taskFence"

local taskKey, resultKey, workflowKey = KEYS[1], KEYS[2], KEYS[3]
local taskId, attempt, result, status, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local channel, threadId = ARGV[6], ARGV[7]

local refusal = taskFence(taskKey, workflowKey, threadId, attempt)
if refusal ~= 0 then
  return {refusal}
end
local held = counter(attempt)

-- `at` is finished_at when it is decimal (an agent's EVALSHA may send anything): the JSON stays valid.
-- Appended as text: fengari's integers are 32-bit, too small for epoch milliseconds.
local at = string.match(now, '^%d+$') and (',"at":' .. now) or ''

redis.call('SET', resultKey, result)
redis.call('HSET', taskKey, 'status', status, 'finished_at', now)
agentSeen(KEYS[4], redis.call('HGET', taskKey, 'queue'), now)
redis.call('PUBLISH', channel, '{"type":"task.result","taskId":' .. jsonString(taskId) .. ',"threadId":'
  .. jsonString(threadId) .. ',"attempt":' .. decimal(held) .. ',"status":"' .. status .. '"' .. at .. '}')
return {1}
