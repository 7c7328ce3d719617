-- Records one call to a rate-limited field and returns the calls before it, atomically, so
-- parallel calls (from any number of server instances) each see every call that came before them.
-- KEYS[1]  sorted set of one caller's calls to one field, scored by call time (epoch ms)
-- ARGV[1]  now (epoch ms)   ARGV[2] window (ms)   ARGV[3] max   ARGV[4] member unique to this call
-- Returns  the calls still inside the window before this one, oldest first, as ZRANGE WITHSCORES
--          gives them: member, score, member, score... The reply is passed through untouched:
--          ioredis-mock (fengari) garbles tables a script builds itself and prints numbers
--          differently from Redis (1.0 vs 1), so the scores are read as numbers in TypeScript.
-- Refused calls are recorded too (a caller who keeps calling stays limited); only the newest
-- `max` entries are kept, as older ones can no longer change a decision, which bounds memory.
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local max = tonumber(ARGV[3])

redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local before = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
redis.call('ZADD', key, now, ARGV[4])
redis.call('ZREMRANGEBYRANK', key, 0, -(max + 1))
redis.call('PEXPIRE', key, window)
return before
