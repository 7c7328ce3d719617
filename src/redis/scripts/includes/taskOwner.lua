--- @include "hmget"
--- @include "threadIdInData"

-- The workflow a task belongs to: its hash's thread_id, else thread_id at the top of its data JSON;
-- nil when neither names one. The one rule of every script, as taskOwner in workflow.records.ts.
local function taskOwner(taskKey)
  local task = hmget(taskKey, 'thread_id', 'data')
  if task[1] and task[1] ~= '' then
    return task[1]
  end
  if task[2] then
    return threadIdInData(task[2])
  end
  return nil
end
