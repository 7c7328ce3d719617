--[[
oldest-queued: when the oldest live task waiting in a domain queue was enqueued, for an overview that
tells a queue nobody takes from one that is merely busy (docs/redis-contract.md, "Queues"). Producers
LPUSH and agents pop from the tail, so the oldest ids are at the tail; ids a reset left there are dead
(liveQueuedTask) and are skipped, at most ARGV[3] of them. Reads only.

KEYS[1] the domain queue
ARGV[1] task key prefix (wave:task:)   ARGV[2] workflow key prefix (wave:workflow:)
ARGV[3] most ids to look at from the tail

Replies:
 {0}                           the queue is empty
 {1, enqueued_at, skipped}     the oldest live task's enqueued_at as stored ('' when it has none),
                               after `skipped` dead ids
 {2, looked}                   the last `looked` ids are all dead
]]
--- @include "includes/decimal"
--- @include "includes/liveQueuedTask"

local queue = KEYS[1]
local taskPrefix, workflowPrefix = ARGV[1], ARGV[2]
local most = tonumber(ARGV[3]) or 1

local ids = redis.call('LRANGE', queue, -most, -1)
if #ids == 0 then
  return {0}
end
local skipped = 0
for i = #ids, 1, -1 do
  if liveQueuedTask(taskPrefix, workflowPrefix, ids[i]) ~= nil then
    local enqueuedAt = redis.call('HGET', taskPrefix .. ids[i], 'enqueued_at') or ''
    return {1, enqueuedAt, decimal(skipped)}
  end
  skipped = skipped + 1
end
return {2, decimal(skipped)}
