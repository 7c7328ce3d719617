-- A plan field (and a list sent as one argument) writes `%`, tab and newline as %25, %09, %0A, so
-- lines split on "\n" and fields on "\t" whatever an id holds (docs/redis-contract.md, "Reset").
local function escapedField(value)
  return (string.gsub(string.gsub(string.gsub(value, '%%', '%%25'), '\t', '%%09'), '\n', '%%0A'))
end

local function unescapedField(value)
  return (string.gsub(string.gsub(string.gsub(value, '%%0A', '\n'), '%%09', '\t'), '%%25', '%%'))
end

-- The lines of `text`, each a list of its unescaped fields; an empty text has no line.
local function fieldLines(text)
  local lines = {}
  for line in string.gmatch(text, '[^\n]+') do
    local fields = {}
    for field in string.gmatch(line, '[^\t]+') do
      fields[#fields + 1] = unescapedField(field)
    end
    lines[#lines + 1] = fields
  end
  return lines
end
