--- @include "counter"
--- @include "hmget"
--- @include "isSettledStatus"
--- @include "normalized"
--- @include "taskOwner"

-- Whether an agent holding `attempt` may still write its task (docs/redis-contract.md, "Fencing
-- stale agents"): 0 when it may, else the refusal reply of record-task-result and record-task-heartbeat.
-- A missing or non-decimal `attempt` reads as 0, on the task and on the workflow.
local function taskFence(taskKey, workflowKey, threadId, attempt)
  if taskOwner(taskKey) ~= threadId then
    return -1
  end
  local task = hmget(taskKey, 'status', 'attempt')
  if normalized(task[1]) == 'cancelled' then
    return -2
  end
  if isSettledStatus(task[1]) then
    return -5
  end
  local held = counter(attempt)
  if counter(task[2]) ~= held then
    return -3
  end
  if counter(redis.call('HGET', workflowKey, 'attempt')) > held then
    return -4
  end
  return 0
end
