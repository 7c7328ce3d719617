--- @include "normalized"

-- A workflow phase as the service reads it: one of `knownPhases` (comma-separated), else pending.
local function phaseOf(value, knownPhases)
  local phase = normalized(value)
  if phase ~= '' and not string.find(phase, ',', 1, true)
    and string.find(',' .. knownPhases .. ',', ',' .. phase .. ',', 1, true) then
    return phase
  end
  return 'pending'
end
