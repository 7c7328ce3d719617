--- @include "normalized"

-- Whether a task status, read as the service reads it, is final: completed, failed or cancelled.
-- Any other value (missing or unknown reads as pending) is still in flight.
local function isSettledStatus(value)
  local status = normalized(value)
  return status == 'completed' or status == 'failed' or status == 'cancelled'
end
