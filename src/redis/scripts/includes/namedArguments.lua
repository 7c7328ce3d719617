-- ARGV sent as name, value, name, value...: the values by name, so a script reads `args.gate`, not
-- ARGV[6]. Reading a name the caller did not send fails the script, naming it, before any write.
local function namedArguments(argv)
  local values = {}
  for i = 1, #argv - 1, 2 do
    values[argv[i]] = argv[i + 1]
  end
  return setmetatable(values, { __index = function(_, name)
    error('missing argument ' .. tostring(name))
  end })
end
