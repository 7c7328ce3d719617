--[[
prelude: helpers prepended (by src/redis/scripts.ts) to the scripts that declare `prelude: true`.
Written for both Redis (Lua 5.1 with cjson) and ioredis-mock (fengari, Lua 5.3 without cjson).
]]

-- Integers as decimal strings: fengari (ioredis-mock) renders tostring(1) as "1.0", and its integers
-- are 32-bit, so a larger count is a float there, which '%d' refuses; '%.0f' is exact below 2^53.
local function decimal(n)
  return string.format('%.0f', n)
end

-- A gate or attempt as the service reads it: a small non-negative decimal, anything else 0.
local function counter(value)
  local digits = type(value) == 'string' and string.match(value, '^%s*(%d+)%s*$')
  if digits and #digits <= 15 then
    return tonumber(digits)
  end
  return 0
end

-- A stored enum value as the service reads it (parseEnum in workflow.records.ts): ASCII blanks
-- trimmed, ASCII lower case; '' when missing.
local function normalized(value)
  if type(value) ~= 'string' then
    return ''
  end
  return string.lower(string.match(value, '^%s*(.-)%s*$'))
end

-- A workflow phase as the service reads it: one of `knownPhases` (comma-separated), else pending.
local function phaseOf(value, knownPhases)
  local phase = normalized(value)
  if phase ~= '' and not string.find(phase, ',', 1, true)
    and string.find(',' .. knownPhases .. ',', ',' .. phase .. ',', 1, true) then
    return phase
  end
  return 'pending'
end

-- Whether a task status, read as the service reads it, is final: completed, failed or cancelled.
-- Any other value (missing or unknown reads as pending) is still in flight.
local function isSettledStatus(value)
  local status = normalized(value)
  return status == 'completed' or status == 'failed' or status == 'cancelled'
end

-- The domain a task's `queue` names, as the service reads it (parseDomain): the domain (`fe`) or a
-- queue key (`wave:tasks:fe`), read as enums are; the part after the last ':'. The caller looks it
-- up among the domains.
local function queueDomain(value)
  return string.match(normalized(value), '([^:]*)$')
end

-- HMGET fields as strings or nil: Redis gives false for a missing one, ioredis-mock a JS null.
local function hmget(key, ...)
  local values = redis.call('HMGET', key, ...)
  local fields = {}
  for i = 1, select('#', ...) do
    if type(values[i]) == 'string' then
      fields[i] = values[i]
    end
  end
  return fields
end

-- A JSON string literal. Ids carry no control characters (validated), but they are escaped
-- anyway, so an event or notification is valid JSON whatever the keys hold.
local function jsonString(value)
  local body = string.gsub(value, '[%c"\\]', function(c)
    if c == '"' or c == '\\' then
      return '\\' .. c
    end
    return string.format('\\u%04x', string.byte(c))
  end)
  return '"' .. body .. '"'
end


-- ioredis-mock runs scripts in fengari, which has no cjson: there, a strict pattern stands in for
-- the parser. It accepts a plain string value only, and only when no object or array opens before
-- the key (so the key is surely top level); anything else reads as "no owner".
local function threadIdInData(data)
  if cjson then
    local ok, decoded = pcall(cjson.decode, data)
    if ok and type(decoded) == 'table' and type(decoded.thread_id) == 'string' then
      return decoded.thread_id
    end
    return nil
  end
  local start, _, owner = string.find(data, '"thread_id"%s*:%s*"([^"\\]*)"')
  if start and string.match(string.sub(data, 1, start - 1), '^%s*{[^{}%[%]]*$') then
    return owner
  end
  return nil
end

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
