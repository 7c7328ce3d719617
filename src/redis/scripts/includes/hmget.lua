-- HMGET fields as strings or nil: Redis gives false for a missing one, ioredis-mock a JS null.
local function hmget(key, ...)
  local values = redis.call('HMGET', key, ...)
  local fields = {}
  for i = 1, select('#', ...) do
    if type(values[i]) == 'string' then
      fields[i] = values[i]
    end
  end
  return fields
end
