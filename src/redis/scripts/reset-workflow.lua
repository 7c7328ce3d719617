--[[
reset-workflow: the atomic step of a reset (docs/redis-contract.md, "Reset"): preview, or cancel and
remove every task of one workflow and put it back at a gate. It costs the workflow's own keys and the
queue entries the sweep found (find-queued-tasks.lua), never a read of a whole queue: the queues are
cleaned after it, in bounded steps, and what is left there is fenced by the new attempt.
Everything else a reset writes (tasks, record, attempt, audit, event, stored summary) is written here,
so a reset is either wholly done or not at all.

KEYS[1] workflow hash       KEYS[2] its task index set      KEYS[3] workflows sorted set
KEYS[4] audit stream        KEYS[5] the workflow's audit stream
KEYS[6] stored summary of the request id (unused when requestId is '')
KEYS[7] plan of the plan token (unused when planToken is '')
ARGV: name, value pairs (namedArguments), built by name in src/redis/commands/reset-workflow.ts:
  threadId, taskKeyPrefix, resultKeyPrefix, clearTasks and clearResults (1/0), gate (to reset to),
  now (epoch ms), actor, reason, auditMaxLength, workflowAuditMaxLength,
  mode ('preview': write nothing, return the plan; 'reset'; 'replay': only the stored summary of the
  request id, if there is one), requestId or '', requestTtlMs (how long the summary of a request id is
  kept), expectedGate or '', expectedPhase or '', planToken or '', knownPhases (comma-separated),
  eventsChannel, domains (comma-separated, queue order), queued: the entries the sweep found, one
  line per queue, "<domain>\t<id>\t<id>..." (fields escaped as in the plan).

Replies, first the outcome:
 {1, '', tasks, results, cancelled, queues, attempt, dequeue}  reset (counts as deleted; attempt after it)
 {2, plan, tasks, results, cancelled, queues, attempt, dequeue} preview: nothing written; counts as a
                                                                 reset now would make them; attempt now
 {0}                              unknown workflow (no record, no task): nothing written
 {3, '', tasks, results, cancelled, queues, attempt, dequeue}  the stored summary of the request id
 {4}                              replay mode, and the request id has no stored summary
 {-1}                             the request id names a different reset: nothing written
 {-2, record (1/0), gate, phase}  expected gate or phase does not hold: nothing written
 {-3, 'missing' | 'changed'}      the plan token's plan expired or differs: nothing written
`queues` is 'fe,qa' (the domains whose queues hold ids of the workflow). `dequeue` is what the queues
hold of the workflow, to be removed after this step, in the form of `queued`. `plan` is the canonical
plan: lines split by "\n", fields by "\t", each field with '%', tab and newline written %25, %09, %0A:
  wave-reset-plan 2 | thread <id> | target <gate> pending <clear tasks> <clear results>
  current <record 1/0> <gate> <phase> <attempt>
  task <id> <record 1/0> <status> <result 1/0>   one per task, sorted by id
  queue <domain> <id>...                         the workflow's ids in a queue, each once, sorted
A plan token confirms a reset only while this string is unchanged.
Every read comes before the first write: an error (a key of the wrong type) leaves nothing half done.
]]
--- @include "includes/counter"
--- @include "includes/decimal"
--- @include "includes/hmget"
--- @include "includes/isSettledStatus"
--- @include "includes/jsonString"
--- @include "includes/namedArguments"
--- @include "includes/phaseOf"
--- @include "includes/planFields"
--- @include "includes/resetAudit"
--- @include "includes/taskOwner"

local args = namedArguments(ARGV)
local workflowKey, indexKey, workflowsKey = KEYS[1], KEYS[2], KEYS[3]
local auditKey, workflowAuditKey, requestKey, planKey = KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local threadId, taskPrefix, resultPrefix = args.threadId, args.taskKeyPrefix, args.resultKeyPrefix
-- The flags as sent ('1' or '0'), also stored and compared that way.
local clearTasksFlag, clearResultsFlag = args.clearTasks, args.clearResults
local clearTasks, clearResults = clearTasksFlag == '1', clearResultsFlag == '1'
local gate, now, actor, reason = args.gate, args.now, args.actor, args.reason
local preview, replayOnly = args.mode == 'preview', args.mode == 'replay'
local requestId, requestTtl = args.requestId, args.requestTtlMs
local expectedGate, expectedPhase, planToken = args.expectedGate, args.expectedPhase, args.planToken
local knownPhases, eventsChannel = args.knownPhases, args.eventsChannel

-- A request id already used: its stored summary is the answer, unless it named another reset.
if not preview and requestId ~= '' and redis.call('EXISTS', requestKey) == 1 then
  local s = hmget(requestKey, 'thread_id', 'reset_to_gate', 'clear_tasks', 'clear_results',
    'tasks', 'results', 'cancelled', 'queues', 'attempt', 'dequeue')
  if s[1] ~= threadId or s[2] ~= gate or s[3] ~= clearTasksFlag or s[4] ~= clearResultsFlag then
    return {-1}
  end
  return {3, '', s[5] or '0', s[6] or '0', s[7] or '0', s[8] or '', s[9] or '0', s[10] or ''}
end
if replayOnly then
  return {4}
end

-- A task's owner, as the service reads it (taskOwner).
local function ownerOf(taskId)
  return taskOwner(taskPrefix .. taskId)
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

-- The queued ids the sweep found: an indexed one is ours as above, any other only if it still is.
local queuedOf = {}  -- domain -> set of the workflow's ids the sweep found in its queue
for _, fields in ipairs(fieldLines(args.queued)) do
  local ids = queuedOf[fields[1]] or {}
  queuedOf[fields[1]] = ids
  for i = 2, #fields do
    local taskId = fields[i]
    if ours[taskId] == nil and ownerOf(taskId) == threadId then
      own(taskId)
    end
    if ours[taskId] then
      ids[taskId] = true
    end
  end
end

local hasRecord = redis.call('EXISTS', workflowKey) == 1
if #ownedIds == 0 and not hasRecord then
  return {0}
end

-- The record as the service reads it (counter and phaseOf).
local record = hmget(workflowKey, 'gate', 'phase', 'attempt', 'created_at')
local beforeGate, beforePhase, beforeAttempt = counter(record[1]), phaseOf(record[2], knownPhases), counter(record[3])

if (expectedGate ~= '' and (not hasRecord or decimal(beforeGate) ~= expectedGate))
  or (expectedPhase ~= '' and (not hasRecord or beforePhase ~= expectedPhase)) then
  return {-2, hasRecord and '1' or '0', decimal(beforeGate), beforePhase}
end

table.sort(ownedIds)
local recordExists, inFlight = {}, {}
local tasks, results, cancelled = 0, 0, 0
local plan = {
  'wave-reset-plan\t2',
  'thread\t' .. escapedField(threadId),
  'target\t' .. gate .. '\tpending\t' .. clearTasksFlag .. '\t' .. clearResultsFlag,
  'current\t' .. (hasRecord and '1' or '0') .. '\t' .. decimal(beforeGate) .. '\t' .. beforePhase .. '\t'
    .. decimal(beforeAttempt),
}
for _, taskId in ipairs(ownedIds) do
  local taskKey = taskPrefix .. taskId
  local status = redis.call('HGET', taskKey, 'status')
  local exists = redis.call('EXISTS', taskKey) == 1
  local hasResult = redis.call('EXISTS', resultPrefix .. taskId) == 1
  recordExists[taskId] = exists
  inFlight[taskId] = exists and not isSettledStatus(status)
  if inFlight[taskId] then cancelled = cancelled + 1 end
  if clearTasks and exists then tasks = tasks + 1 end
  if clearResults and hasResult then results = results + 1 end
  plan[#plan + 1] = 'task\t' .. escapedField(taskId) .. '\t' .. (exists and '1' or '0') .. '\t'
    .. escapedField(status or '') .. '\t' .. (hasResult and '1' or '0')
end
local queues, dequeue = {}, {}
for domain in string.gmatch(args.domains, '[^,]+') do
  local ids = {}
  for taskId in pairs(queuedOf[domain] or {}) do
    ids[#ids + 1] = escapedField(taskId)
  end
  if #ids > 0 then
    table.sort(ids)
    queues[#queues + 1] = domain
    local line = domain .. '\t' .. table.concat(ids, '\t')
    dequeue[#dequeue + 1] = line
    plan[#plan + 1] = 'queue\t' .. line
  end
end
local canonical = table.concat(plan, '\n')
local queueList, dequeueText = table.concat(queues, ','), table.concat(dequeue, '\n')

if preview then
  return {2, canonical, decimal(tasks), decimal(results), decimal(cancelled), queueList, decimal(beforeAttempt), dequeueText}
end

if planToken ~= '' then
  local stored = redis.call('GET', planKey)
  if not stored then
    return {-3, 'missing'}
  end
  if stored ~= canonical then
    return {-3, 'changed'}
  end
end

-- Writes from here on. In-flight tasks are cancelled first, so an agent holding one sees why it went away.
for _, taskId in ipairs(ownedIds) do
  if inFlight[taskId] then
    redis.call('HSET', taskPrefix .. taskId, 'status', 'cancelled', 'cancelled_at', now)
  end
end

for _, taskId in ipairs(ownedIds) do
  if clearTasks then
    redis.call('DEL', taskPrefix .. taskId)
  elseif recordExists[taskId] then
    -- Kept records are indexed, so the workflow lists the tasks the reset cancelled.
    redis.call('SADD', indexKey, taskId)
  end
  if clearResults then
    redis.call('DEL', resultPrefix .. taskId)
  end
end
if clearTasks then
  redis.call('DEL', indexKey)
end

-- The attempt fences agents of earlier attempts (record-task-result.lua, pop-task.lua); HSET, not
-- HINCRBY, so a garbage value reads as 0 instead of failing the script halfway.
local attempt = decimal(beforeAttempt + 1)
-- A workflow known only through its tasks gets a record, so it can be listed and run again.
local createdAt = record[4]
if not createdAt then
  createdAt = now
  redis.call('HSET', workflowKey, 'created_at', now)
end
redis.call('HSET', workflowKey, 'thread_id', threadId, 'gate', gate, 'phase', 'pending', 'attempt', attempt,
  'updated_at', now)
-- An ISO created_at cannot be a score: such a record is indexed at the time of the reset.
if not string.match(createdAt, '^%d+$') then
  createdAt = now
end
redis.call('ZADD', workflowsKey, 'NX', createdAt, threadId)

addResetAudit(auditKey, args.auditMaxLength, workflowAuditKey, args.workflowAuditMaxLength, {
  kind = 'reset', threadId = threadId, actor = actor, reason = reason, requestId = requestId, at = now,
  gate = gate, clearTasks = clearTasksFlag, clearResults = clearResultsFlag, tasks = decimal(tasks),
  results = decimal(results), cancelled = decimal(cancelled), queues = queueList,
  beforeGate = hasRecord and decimal(beforeGate) or '', beforePhase = hasRecord and beforePhase or '',
  beforeAttempt = hasRecord and decimal(beforeAttempt) or '', phase = 'pending', attempt = attempt,
  planToken = planToken,
})

redis.call('PUBLISH', eventsChannel, '{"type":"workflow.reset","threadId":' .. jsonString(threadId)
  .. ',"attempt":' .. attempt .. ',"gate":' .. gate .. ',"at":' .. now .. '}')

if requestId ~= '' then
  redis.call('HSET', requestKey, 'thread_id', threadId, 'reset_to_gate', gate, 'clear_tasks', clearTasksFlag,
    'clear_results', clearResultsFlag, 'tasks', decimal(tasks), 'results', decimal(results),
    'cancelled', decimal(cancelled), 'queues', queueList, 'attempt', attempt, 'dequeue', dequeueText, 'at', now)
  redis.call('PEXPIRE', requestKey, requestTtl)
end
if planToken ~= '' then
  redis.call('DEL', planKey)
end

-- One table constructor: ioredis-mock reads a table grown by appends as nothing.
return {1, '', decimal(tasks), decimal(results), decimal(cancelled), queueList, attempt, dequeueText}
