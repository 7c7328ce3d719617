-- A gate or attempt as the service reads it: a small non-negative decimal, anything else 0.
local function counter(value)
  local digits = type(value) == 'string' and string.match(value, '^%s*(%d+)%s*$')
  if digits and #digits <= 15 then
    return tonumber(digits)
  end
  return 0
end
