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
