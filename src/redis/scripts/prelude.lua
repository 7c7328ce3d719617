--[[
prelude: helpers prepended (by src/redis/scripts.ts) to the scripts that declare `prelude: true`.
Written for both Redis (Lua 5.1 with cjson) and ioredis-mock (fengari, Lua 5.3 without cjson).
]]

-- Integers as decimal strings: fengari (ioredis-mock) renders tostring(1) as "1.0".
local function decimal(n)
  return string.format('%d', n)
end

-- A gate or attempt as the service reads it: a small non-negative decimal, anything else 0.
local function counter(value)
  local digits = type(value) == 'string' and string.match(value, '^%s*(%d+)%s*$')
  if digits and #digits <= 15 then
    return tonumber(digits)
  end
  return 0
end

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

-- A JSON string literal. Ids carry no control characters (validated), but they are escaped
-- anyway, so an event or notification is valid JSON whatever the keys hold.
local function jsonString(value)
  local body = string.gsub(value, '[%c"\\]', function(c)
    if c == '"' or c == '\\' then
      return '\\' .. c
    end
    return string.format('\\u%04x', string.byte(c))
  end)
  return '"' .. body .. '"'
end

