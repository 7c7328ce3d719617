--[[
reset-workflow: preview, or cancel and remove every task of one workflow and put the workflow back
at a gate, atomically against the agents popping the same queues (docs/redis-contract.md, "Reset").
Everything a reset writes (tasks, queues, record, attempt, audit, event, stored summary) is written
here, so a reset is either wholly done or not at all.

KEYS[1] workflow hash       KEYS[2] its task index set      KEYS[3] workflows sorted set
KEYS[4] audit stream        KEYS[5] the workflow's audit stream
KEYS[6] stored summary of the request id (unused when requestId is '')
KEYS[7] plan of the plan token (unused when planToken is '')
KEYS[8..] the domain queues, in the order of `domains`
ARGV: name, value pairs (namedArguments), built by name in src/redis/commands/reset-workflow.ts:
  threadId, taskKeyPrefix, resultKeyPrefix, clearTasks and clearResults (1/0), gate (to reset to),
  now (epoch ms), actor, reason, auditMaxLength, workflowAuditMaxLength,
  mode ('preview': write nothing, return the plan; or 'reset'), requestId or '',
  requestTtlMs (how long the summary of a request id is kept), expectedGate or '',
  expectedPhase or '', planToken or '', knownPhases (comma-separated), eventsChannel,
  sweepQueues (1/0: sweep the queues for un-indexed tasks), domains (comma-separated)

Replies, first the outcome:
 {1, '', tasks, results, cancelled, queues, attempt}  reset (counts as deleted; attempt after it)
 {2, plan, tasks, results, cancelled, queues, attempt} preview: nothing written; counts as a reset
                                                        now would make them; attempt now
 {0}                              unknown workflow (no record, no task): nothing written
 {3, '', tasks, results, cancelled, queues, attempt}  the stored summary of the request id
 {-1}                             the request id names a different reset: nothing written
 {-2, record (1/0), gate, phase}  expected gate or phase does not hold: nothing written
 {-3, 'missing' | 'changed'}      the plan token's plan expired or differs: nothing written
`queues` is 'fe,qa' (the domains an id leaves). `plan` is the canonical plan: lines split by "\n",
fields by "\t", each field with '%', tab and newline written %25, %09, %0A:
  wave-reset-plan 1 | thread <id> | target <gate> pending <clear tasks> <clear results>
  current <record 1/0> <gate> <phase> <attempt>
  task <id> <record 1/0> <status> <result 1/0>   one per task, sorted by id
  queue <domain> <id>...                         the workflow's entries of a queue, head first
A plan token confirms a reset only while this string is unchanged.
Every read comes before the first write: an error (a key of the wrong type) leaves nothing half done.
Cost, never KEYS or SCAN: with the sweep, the workflow's own keys plus one LRANGE of each queue and
one owner read per queued id; without it, the workflow's own keys plus one LPOS (preview, planToken)
or one LREM per task.
]]
--- @include "includes/counter"
--- @include "includes/decimal"
--- @include "includes/hmget"
--- @include "includes/isSettledStatus"
--- @include "includes/jsonString"
--- @include "includes/namedArguments"
--- @include "includes/phaseOf"
--- @include "includes/queueDomain"
--- @include "includes/taskOwner"

local args = namedArguments(ARGV)
local workflowKey, indexKey, workflowsKey = KEYS[1], KEYS[2], KEYS[3]
local auditKey, workflowAuditKey, requestKey, planKey = KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local threadId, taskPrefix, resultPrefix = args.threadId, args.taskKeyPrefix, args.resultKeyPrefix
-- The flags as sent ('1' or '0'), also stored and compared that way.
local clearTasksFlag, clearResultsFlag = args.clearTasks, args.clearResults
local clearTasks, clearResults = clearTasksFlag == '1', clearResultsFlag == '1'
local gate, now, actor, reason = args.gate, args.now, args.actor, args.reason
local auditMaxLen, workflowAuditMaxLen = args.auditMaxLength, args.workflowAuditMaxLength
local preview = args.mode == 'preview'
local requestId, requestTtl = args.requestId, args.requestTtlMs
local expectedGate, expectedPhase, planToken = args.expectedGate, args.expectedPhase, args.planToken
local knownPhases, eventsChannel, sweepQueues = args.knownPhases, args.eventsChannel, args.sweepQueues == '1'
local domains, queueKeys = {}, {}  -- queue q is queueKeys[q], the queue of domains[q]
for domain in string.gmatch(args.domains, '[^,]+') do
  domains[#domains + 1] = domain
  queueKeys[#domains] = KEYS[7 + #domains]
end
if #KEYS ~= 7 + #domains then
  error('reset-workflow takes one queue key per domain')
end

-- A request id already used: its stored summary is the answer, unless it named another reset.
if not preview and requestId ~= '' and redis.call('EXISTS', requestKey) == 1 then
  local s = hmget(requestKey, 'thread_id', 'reset_to_gate', 'clear_tasks', 'clear_results',
    'tasks', 'results', 'cancelled', 'queues', 'attempt')
  if s[1] ~= threadId or s[2] ~= gate or s[3] ~= clearTasksFlag or s[4] ~= clearResultsFlag then
    return {-1}
  end
  return {3, '', s[5] or '0', s[6] or '0', s[7] or '0', s[8] or '', s[9] or '0'}
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

local queuedEntries = {}  -- queue index -> the workflow's entries in it, head first, repeats kept
local queuedIds = {}      -- queue index -> the same ids, each once
-- Index only, real reset without a plan to match: where the ids sit is not needed before the writes,
-- so each is removed from the queues its record names (LREM) without being looked for first (LPOS).
local dequeueUnseen = not sweepQueues and not preview and planToken == ''
local candidateQueue = {}  -- task id -> the queue its record names; nil: every queue
if sweepQueues then
  -- The orchestrator may queue a task without indexing it: check the owner of every queued id.
  -- Costs one owner read per queued id of any workflow.
  for q = 1, #queueKeys do
    local entries, ids, seen = {}, {}, {}
    for _, taskId in ipairs(redis.call('LRANGE', queueKeys[q], 0, -1)) do
      if not seen[taskId] then
        seen[taskId] = true
        if ours[taskId] == nil and ownerOf(taskId) == threadId then
          own(taskId)
        end
        if ours[taskId] then
          ids[#ids + 1] = taskId
        end
      end
      if ours[taskId] then
        entries[#entries + 1] = taskId
      end
    end
    queuedEntries[q], queuedIds[q] = entries, ids
  end
else
  -- Every producer indexes its tasks: look for each indexed id in the queue its record names
  -- (every queue when it names none), so the cost is the workflow's, not the queues' length.
  local queueOfDomain, positioned = {}, {}
  for q = 1, #queueKeys do
    queueOfDomain[domains[q]] = q
    positioned[q], queuedIds[q] = {}, {}
  end
  for _, taskId in ipairs(ownedIds) do
    -- `queue` holds the domain; a full queue key (`wave:tasks:fe`) names it too.
    local recorded = queueOfDomain[queueDomain(redis.call('HGET', taskPrefix .. taskId, 'queue'))]
    candidateQueue[taskId] = recorded
    if not dequeueUnseen then
      for q = recorded or 1, recorded or #queueKeys do
        local positions = redis.call('LPOS', queueKeys[q], taskId, 'COUNT', 0)
        if #positions > 0 then
          queuedIds[q][#queuedIds[q] + 1] = taskId
        end
        for _, position in ipairs(positions) do
          positioned[q][#positioned[q] + 1] = {position, taskId}
        end
      end
    end
  end
  for q = 1, #queueKeys do
    table.sort(positioned[q], function(a, b) return a[1] < b[1] end)
    local entries = {}
    for i, entry in ipairs(positioned[q]) do
      entries[i] = entry[2]
    end
    queuedEntries[q] = entries
    if dequeueUnseen then
      redis.call('LLEN', queueKeys[q])  -- a queue key of another type fails here, before the first write
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

local function escaped(value)
  return (string.gsub(string.gsub(string.gsub(value, '%%', '%%25'), '\t', '%%09'), '\n', '%%0A'))
end

table.sort(ownedIds)
local recordExists, statusOf, inFlight = {}, {}, {}
local tasks, results, cancelled = 0, 0, 0
local plan = {
  'wave-reset-plan\t1',
  'thread\t' .. escaped(threadId),
  'target\t' .. gate .. '\tpending\t' .. clearTasksFlag .. '\t' .. clearResultsFlag,
  'current\t' .. (hasRecord and '1' or '0') .. '\t' .. decimal(beforeGate) .. '\t' .. beforePhase .. '\t'
    .. decimal(beforeAttempt),
}
for _, taskId in ipairs(ownedIds) do
  local taskKey = taskPrefix .. taskId
  local status = redis.call('HGET', taskKey, 'status')
  local exists = redis.call('EXISTS', taskKey) == 1
  local hasResult = redis.call('EXISTS', resultPrefix .. taskId) == 1
  recordExists[taskId], statusOf[taskId] = exists, status
  inFlight[taskId] = exists and not isSettledStatus(status)
  if inFlight[taskId] then cancelled = cancelled + 1 end
  if clearTasks and exists then tasks = tasks + 1 end
  if clearResults and hasResult then results = results + 1 end
  plan[#plan + 1] = 'task\t' .. escaped(taskId) .. '\t' .. (exists and '1' or '0') .. '\t'
    .. escaped(status or '') .. '\t' .. (hasResult and '1' or '0')
end
local queues = {}
for q = 1, #queueKeys do
  local entries = queuedEntries[q]
  if #entries > 0 then
    local domain = domains[q]
    queues[#queues + 1] = domain
    local line = 'queue\t' .. domain
    for _, taskId in ipairs(entries) do
      line = line .. '\t' .. escaped(taskId)
    end
    plan[#plan + 1] = line
  end
end
local canonical = table.concat(plan, '\n')
local queueList = table.concat(queues, ',')

if preview then
  return {2, canonical, decimal(tasks), decimal(results), decimal(cancelled), queueList, decimal(beforeAttempt)}
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

-- Queued ids leave the queues whatever clearTasks says: no agent may pick a cancelled task.
if dequeueUnseen then
  local removedFrom = {}
  for _, taskId in ipairs(ownedIds) do
    local recorded = candidateQueue[taskId]
    for q = recorded or 1, recorded or #queueKeys do
      if redis.call('LREM', queueKeys[q], 0, taskId) > 0 then
        removedFrom[q] = true
      end
    end
  end
  local dequeued = {}
  for q = 1, #queueKeys do
    if removedFrom[q] then
      dequeued[#dequeued + 1] = domains[q]
    end
  end
  queueList = table.concat(dequeued, ',')
else
  for q = 1, #queueKeys do
    for _, taskId in ipairs(queuedIds[q]) do
      redis.call('LREM', queueKeys[q], 0, taskId)
    end
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

-- The attempt fences agents of earlier attempts (record-task-result.lua); HSET, not HINCRBY,
-- so a garbage value reads as 0 instead of failing the script halfway.
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

local before = hasRecord and {decimal(beforeGate), beforePhase, decimal(beforeAttempt)} or {'', '', ''}
local function audit(key, maxLen)
  return redis.call('XADD', key, 'MAXLEN', '~', maxLen, '*',
    'kind', 'reset', 'thread_id', threadId, 'actor', actor, 'reason', reason, 'request_id', requestId,
    'at', now, 'gate', gate, 'clear_tasks', clearTasksFlag, 'clear_results', clearResultsFlag,
    'tasks', decimal(tasks), 'results', decimal(results), 'cancelled', decimal(cancelled), 'queues', queueList,
    'before_gate', before[1], 'before_phase', before[2], 'before_attempt', before[3],
    'phase', 'pending', 'attempt', attempt, 'plan_token', planToken)
end
audit(auditKey, auditMaxLen)
audit(workflowAuditKey, workflowAuditMaxLen)

redis.call('PUBLISH', eventsChannel, '{"type":"workflow.reset","threadId":' .. jsonString(threadId)
  .. ',"attempt":' .. attempt .. ',"gate":' .. gate .. ',"at":' .. now .. '}')

if requestId ~= '' then
  redis.call('HSET', requestKey, 'thread_id', threadId, 'reset_to_gate', gate, 'clear_tasks', clearTasksFlag,
    'clear_results', clearResultsFlag, 'tasks', decimal(tasks), 'results', decimal(results),
    'cancelled', decimal(cancelled), 'queues', queueList, 'attempt', attempt, 'at', now)
  redis.call('PEXPIRE', requestKey, requestTtl)
end
if planToken ~= '' then
  redis.call('DEL', planKey)
end

-- One table constructor: ioredis-mock reads a table grown by appends as a map, not an array.
return {1, '', decimal(tasks), decimal(results), decimal(cancelled), queueList, attempt}
