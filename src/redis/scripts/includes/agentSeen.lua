-- Records a sign of life of an agent of `domain` at `now` (epoch ms) in the activity hash (field: the
-- domain, value: the latest time seen), for an overview that tells "no agent alive" from "busy".
-- Optional for callers: without the key (an agent of an older contract) nothing is recorded. A clock
-- behind another agent's never moves the time back.
local function agentSeen(activityKey, domain, now)
  if not activityKey or activityKey == '' or not domain or domain == '' then
    return
  end
  local seen = tonumber(now)
  if not seen then
    return
  end
  local last = tonumber(redis.call('HGET', activityKey, domain))
  if not last or seen > last then
    redis.call('HSET', activityKey, domain, now)
  end
end
