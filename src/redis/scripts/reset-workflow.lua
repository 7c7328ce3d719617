--[[
reset-workflow: cancel and remove every task of one workflow and put the workflow back at a gate,
atomically against the agents popping the same queues (docs/redis-contract.md, "Reset").

KEYS[1] workflow hash       KEYS[2] its task index set   KEYS[3] workflows sorted set
KEYS[4] audit stream        KEYS[5..] the domain queues, in the order of the domain names in ARGV[11..]
ARGV[1] thread id           ARGV[2] task key prefix      ARGV[3] result key prefix
ARGV[4] clear tasks (1/0)   ARGV[5] clear results (1/0)  ARGV[6] gate to reset to
ARGV[7] now (epoch ms)      ARGV[8] actor                ARGV[9] reason
ARGV[10] audit stream max length                         ARGV[11..] domain names

Replies {0} for an unknown workflow (nothing touched), else
{1, task records deleted, result keys deleted, tasks cancelled, 'fe,qa' (the domains an id left)}.
Cost: the workflow's own keys plus one LRANGE of each queue; never KEYS or SCAN.
]]
local workflowKey, indexKey, workflowsKey, auditKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local threadId, taskPrefix, resultPrefix = ARGV[1], ARGV[2], ARGV[3]
local clearTasks, clearResults = ARGV[4] == '1', ARGV[5] == '1'
local gate, now, actor, reason, auditMaxLen = ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10]
local FIRST_QUEUE, FIRST_DOMAIN = 5, 11

-- Integers as decimal strings: fengari (ioredis-mock) renders tostring(1) as "1.0".
local function decimal(n)
  return string.format('%d', n)
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

-- A task belongs to the workflow named by its hash's thread_id, else by thread_id in its data JSON.
local function ownerOf(taskId)
  local taskKey = taskPrefix .. taskId
  local owner = redis.call('HGET', taskKey, 'thread_id')
  if owner and owner ~= '' then
    return owner
  end
  local data = redis.call('HGET', taskKey, 'data')
  if data then
    return threadIdInData(data)
  end
  return nil
end

local ours = {}      -- task id -> true when it belongs to the workflow, false when it does not
local ownedIds = {}  -- the workflow's task ids, each once

local function own(taskId)
  if ours[taskId] == nil then
    ours[taskId] = true
    ownedIds[#ownedIds + 1] = taskId
  end
end

-- Indexed tasks are ours unless their record names another workflow.
for _, taskId in ipairs(redis.call('SMEMBERS', indexKey)) do
  local owner = ownerOf(taskId)
  if owner == nil or owner == threadId then
    own(taskId)
  else
    ours[taskId] = false
  end
end

-- The orchestrator may queue a task without indexing it: check the owner of every queued id.
local queuedOurs = {}
for q = FIRST_QUEUE, #KEYS do
  local found, seen = {}, {}
  for _, taskId in ipairs(redis.call('LRANGE', KEYS[q], 0, -1)) do
    if not seen[taskId] then
      seen[taskId] = true
      if ours[taskId] == nil and ownerOf(taskId) == threadId then
        own(taskId)
      end
      if ours[taskId] then
        found[#found + 1] = taskId
      end
    end
  end
  queuedOurs[q] = found
end

if #ownedIds == 0 and redis.call('EXISTS', workflowKey) == 0 then
  return {0}
end

-- In-flight tasks are cancelled first, so an agent holding one sees why it went away.
local cancelled = 0
for _, taskId in ipairs(ownedIds) do
  local taskKey = taskPrefix .. taskId
  local status = redis.call('HGET', taskKey, 'status')
  local inFlight = status == 'pending' or status == 'in_progress' or status == 'blocked'
    or (not status and redis.call('EXISTS', taskKey) == 1)
  if inFlight then
    redis.call('HSET', taskKey, 'status', 'cancelled', 'cancelled_at', now)
    cancelled = cancelled + 1
  end
end

-- Queued ids leave the queues whatever clearTasks says: no agent may pick a cancelled task.
local queues = {}
for q = FIRST_QUEUE, #KEYS do
  local removed = 0
  for _, taskId in ipairs(queuedOurs[q]) do
    removed = removed + redis.call('LREM', KEYS[q], 0, taskId)
  end
  if removed > 0 then
    queues[#queues + 1] = ARGV[FIRST_DOMAIN + q - FIRST_QUEUE]
  end
end

local tasks, results = 0, 0
for _, taskId in ipairs(ownedIds) do
  if clearTasks then
    tasks = tasks + redis.call('DEL', taskPrefix .. taskId)
  elseif redis.call('EXISTS', taskPrefix .. taskId) == 1 then
    -- Kept records are indexed, so the workflow lists the tasks the reset cancelled.
    redis.call('SADD', indexKey, taskId)
  end
  if clearResults then
    results = results + redis.call('DEL', resultPrefix .. taskId)
  end
end
if clearTasks then
  redis.call('DEL', indexKey)
end

-- A workflow known only through its tasks gets a record, so it can be listed and run again.
local createdAt = redis.call('HGET', workflowKey, 'created_at')
if not createdAt then
  createdAt = now
  redis.call('HSET', workflowKey, 'created_at', now)
end
redis.call('HSET', workflowKey, 'thread_id', threadId, 'gate', gate, 'phase', 'pending', 'updated_at', now)
-- An ISO created_at cannot be a score: such a record is indexed at the time of the reset.
if not string.match(createdAt, '^%d+$') then
  createdAt = now
end
redis.call('ZADD', workflowsKey, 'NX', createdAt, threadId)

local queueList = table.concat(queues, ',')
redis.call('XADD', auditKey, 'MAXLEN', '~', auditMaxLen, '*',
  'thread_id', threadId, 'actor', actor, 'reason', reason, 'at', now, 'gate', gate,
  'clear_tasks', ARGV[4], 'clear_results', ARGV[5],
  'tasks', decimal(tasks), 'results', decimal(results), 'cancelled', decimal(cancelled), 'queues', queueList)

-- One table constructor: ioredis-mock reads a table grown by appends as a map, not an array.
return {1, tasks, results, cancelled, queueList}
