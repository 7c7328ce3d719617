-- A stored enum value as the service reads it (parseEnum in workflow.records.ts): ASCII blanks
-- trimmed, ASCII lower case; '' when missing.
local function normalized(value)
  if type(value) ~= 'string' then
    return ''
  end
  return string.lower(string.match(value, '^%s*(.-)%s*$'))
end
