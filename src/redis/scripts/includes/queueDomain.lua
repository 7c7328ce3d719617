--- @include "normalized"

-- The domain a task's `queue` names, as the service reads it (parseDomain): the domain (`fe`) or a
-- queue key (`wave:tasks:fe`), read as enums are; the part after the last ':'. The caller looks it
-- up among the domains.
local function queueDomain(value)
  return string.match(normalized(value), '([^:]*)$')
end
