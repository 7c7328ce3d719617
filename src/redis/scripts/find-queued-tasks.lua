--[[
find-queued-tasks: one bounded step of a reset's queue sweep (docs/redis-contract.md, "Reset", step 2).
Reads the queue from `start` for at most `count` entries or `budgetMicros` of its own time, whichever
ends first, and replies the entries that belong to the workflows looked for. The sweep is many such
steps, so no step holds Redis for long however deep the queue is.

KEYS[1] the queue
ARGV: name, value pairs (namedArguments), built by name in src/redis/commands/find-queued-tasks.ts:
  start (index to read from), anchor (the id the previous step read last, at start - 1; '' on the first
  step), count, budgetMicros, taskKeyPrefix, readOwners (1: also match any id whose owner is looked
  for, so tasks queued without being indexed are found; 0: match indexed ids only), targets: one line
  per workflow looked for, "<threadId>\t<indexed id>\t<indexed id>..." (fields escaped as in a plan).

Reply {next, length, found, last}: where the next step starts (`next` >= `length`: the sweep of this
queue is done); the queue's length now; the entries found, one line per entry, "<the workflow's line
number in targets, 1-based>\t<id>" (escaped as targets), an id queued twice as often as it is read;
and the id read last (the next step's anchor; '' when none was read).

Producers push at the head and agents pop at the tail, so indexes move while the sweep runs: the
anchor is looked for near where it was, and the step starts after it. A push moves it further in;
a removal in the middle (another reset's LREM) moves it back. Not found nearby, the step reads again
from ANCHOR_WINDOW before: an entry may be read twice (the caller keeps each id once), and is missed
only when more than ANCHOR_WINDOW entries before it were removed between two steps.
]]
--- @include "includes/decimal"
--- @include "includes/namedArguments"
--- @include "includes/planFields"
--- @include "includes/taskOwner"

local ANCHOR_WINDOW = 256
-- Entries read per LRANGE; the time is checked after each, so a step ends at most 32 reads past its budget.
local READ_AT_ONCE = 32

local args = namedArguments(ARGV)
local queue = KEYS[1]
local start, count, budget = tonumber(args.start), tonumber(args.count), tonumber(args.budgetMicros)
local anchor, taskPrefix, readOwners = args.anchor, args.taskKeyPrefix, args.readOwners == '1'

local workflowOfThread, workflowOfId = {}, {}
for line, fields in ipairs(fieldLines(args.targets)) do
  workflowOfThread[fields[1]] = line
  for i = 2, #fields do
    workflowOfId[fields[i]] = line
  end
end

local function micros()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000000 + tonumber(time[2])
end
local began = micros()

if start > 0 and anchor ~= '' then
  local from = math.max(0, start - 1 - ANCHOR_WINDOW)
  local window = redis.call('LRANGE', queue, from, start - 1 + ANCHOR_WINDOW)
  local anchorAt = nil
  for i, taskId in ipairs(window) do
    local index = from + i - 1
    if taskId == anchor and (anchorAt == nil or math.abs(index - (start - 1)) < math.abs(anchorAt - (start - 1))) then
      anchorAt = index
    end
  end
  start = anchorAt and anchorAt + 1 or from
end

-- Read in small ranges, so the time budget bounds the reading too.
local found, read, last = {}, 0, ''
while read < count do
  local entries = redis.call('LRANGE', queue, start + read, start + math.min(read + READ_AT_ONCE, count) - 1)
  for _, taskId in ipairs(entries) do
    local workflow = workflowOfId[taskId]
    if workflow == nil and readOwners then
      workflow = workflowOfThread[taskOwner(taskPrefix .. taskId) or '']
    end
    if workflow ~= nil then
      found[#found + 1] = decimal(workflow) .. '\t' .. escapedField(taskId)
    end
  end
  read, last = read + #entries, entries[#entries] or last
  if #entries < READ_AT_ONCE or micros() - began >= budget then
    break
  end
end
-- One table constructor: ioredis-mock reads a table grown by appends as nothing.
return {decimal(start + read), decimal(redis.call('LLEN', queue)), table.concat(found, '\n'), last}
