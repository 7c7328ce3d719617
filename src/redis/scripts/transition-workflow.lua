--[[
transition-workflow: move a workflow to a phase only from the phases allowed, as one check-and-set.

KEYS[1] workflow hash
ARGV[1] target phase    ARGV[2] now (epoch ms)
ARGV[3] allowed source phases, comma-separated    ARGV[4] every known phase, comma-separated

Replies {1, previous phase} when moved, {0, ''} when there is no record,
{-1, current phase} when the current phase does not allow the move (nothing changed).
The phase is read as the service reads it (phaseOf): trimmed, any case, and a
missing or unknown phase reads as pending.
]]
--- @include "includes/phaseOf"

local function listed(csv, phase)
  return string.find(',' .. csv .. ',', ',' .. phase .. ',', 1, true) ~= nil
end

if redis.call('EXISTS', KEYS[1]) == 0 then
  return {0, ''}
end
local current = phaseOf(redis.call('HGET', KEYS[1], 'phase'), ARGV[4])
if not listed(ARGV[3], current) then
  return {-1, current}
end
redis.call('HSET', KEYS[1], 'phase', ARGV[1], 'updated_at', ARGV[2])
return {1, current}
