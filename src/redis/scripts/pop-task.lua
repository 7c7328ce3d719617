--[[
pop-task: an agent takes its next task, discarding the ids a reset left behind (docs/redis-contract.md,
"Queues"). A reset leaves the ids of a deep queue where they are; they are dead, and this script drops
them as it meets them, so an agent never runs one.

KEYS[1] the domain queue
KEYS[2] optional: the agent activity hash (wave:agent-activity), where every call, even of an empty
        queue, records that an agent of the domain ARGV[7] is alive at ARGV[4]
ARGV[1] task key prefix (wave:task:)   ARGV[2] workflow key prefix (wave:workflow:)
ARGV[3] agent name   ARGV[4] now (epoch ms)   ARGV[5] most dead ids to drop in this call
ARGV[6] '' to pop from the tail (RPOP); or an id the agent already popped itself (BRPOP), to check and claim
ARGV[7] optional: the queue's domain (pm, fe, be, qa, safety), with KEYS[2]

An id is dead when its task has no record or no owner, its status is settled (completed, failed,
cancelled), or its attempt is older than its workflow's (a reset came after it was queued).
A live task is claimed: status in_progress, started_at and heartbeat_at now, agent.
Replies:
 {1, id, threadId, attempt, dropped}  claimed: run it, holding `attempt` (record-task-result.lua)
 {0, dropped}                         the queue is empty
 {2, dropped}                         dropped ARGV[5] dead ids and claimed none: call again
 {-1}                                 the id given in ARGV[6] is dead: drop it
]]
--- @include "includes/agentSeen"
--- @include "includes/decimal"
--- @include "includes/liveQueuedTask"

local queue = KEYS[1]
local taskPrefix, workflowPrefix, agent, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local maxDropped, given = tonumber(ARGV[5]) or 0, ARGV[6] or ''
agentSeen(KEYS[2], ARGV[7], now)

local function live(taskId)
  return liveQueuedTask(taskPrefix, workflowPrefix, taskId)
end

local function claim(taskId, owner, attempt, dropped)
  redis.call('HSET', taskPrefix .. taskId, 'status', 'in_progress', 'started_at', now, 'heartbeat_at', now, 'agent', agent)
  return {1, taskId, owner, decimal(attempt), decimal(dropped)}
end

if given ~= '' then
  local owner, attempt = live(given)
  if owner == nil then
    return {-1}
  end
  return claim(given, owner, attempt, 0)
end

local dropped = 0
while true do
  local taskId = redis.call('RPOP', queue)
  if not taskId then
    return {0, decimal(dropped)}
  end
  local owner, attempt = live(taskId)
  if owner ~= nil then
    return claim(taskId, owner, attempt, dropped)
  end
  dropped = dropped + 1
  if dropped >= maxDropped then
    return {2, decimal(dropped)}
  end
end
