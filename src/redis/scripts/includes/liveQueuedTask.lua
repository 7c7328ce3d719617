--- @include "counter"
--- @include "hmget"
--- @include "isSettledStatus"
--- @include "taskOwner"

-- A queued id's owner and attempt when its task is live, else nil. Dead: no record or no owner, a
-- settled status (completed, failed, cancelled), or an attempt older than its workflow's (a reset came
-- after it was queued). The rule of pop-task.lua and oldest-queued.lua (docs/redis-contract.md, "Queues").
local function liveQueuedTask(taskPrefix, workflowPrefix, taskId)
  local taskKey = taskPrefix .. taskId
  local owner = taskOwner(taskKey)
  if owner == nil then
    return nil
  end
  local task = hmget(taskKey, 'status', 'attempt')
  if isSettledStatus(task[1]) then
    return nil
  end
  local attempt = counter(task[2])
  if attempt < counter(redis.call('HGET', workflowPrefix .. owner, 'attempt')) then
    return nil
  end
  return owner, attempt
end
