-- Integers as decimal strings: fengari (ioredis-mock) renders tostring(1) as "1.0", and its integers
-- are 32-bit, so a larger count is a float there, which '%d' refuses; '%.0f' is exact below 2^53.
local function decimal(n)
  return string.format('%.0f', n)
end
