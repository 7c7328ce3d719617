-- The string thread_id at the top of a task's data JSON, else nil.
-- ioredis-mock runs scripts in fengari, which has no cjson: there, a strict pattern stands in for
-- the parser. It accepts a plain string value only, and only when no object or array opens before
-- the key (so the key is surely top level); anything else reads as "no owner".
local function threadIdInData(data)
  if cjson then
    local ok, decoded = pcall(cjson.decode, data)
    if ok and type(decoded) == 'table' and type(decoded.thread_id) == 'string' then
      return decoded.thread_id
    end
    return nil
  end
  local start, _, owner = string.find(data, '"thread_id"%s*:%s*"([^"\\]*)"')
  if start and string.match(string.sub(data, 1, start - 1), '^%s*{[^{}%[%]]*$') then
    return owner
  end
  return nil
end
