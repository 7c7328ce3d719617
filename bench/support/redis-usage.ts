import type Redis from 'ioredis';

/** What a redis-server has spent so far: CPU (user + system, all its threads) and commands answered. */
export interface RedisUsage {
  cpuMilliseconds: number;
  commands: number;
}

/** `name:value` of an INFO reply. */
function infoNumber(info: string, name: string): number {
  return Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
}

/**
 * From `INFO cpu commandstats`. The INFO calls themselves are left out of the commands, so a delta
 * between two readings counts only what the clients under test sent.
 */
export async function redisUsage(redis: Redis): Promise<RedisUsage> {
  const info = (await redis.call('INFO', 'cpu', 'commandstats')) as string;
  let commands = 0;
  for (const [, name, calls] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (name !== 'info') commands += Number(calls);
  return { cpuMilliseconds: (infoNumber(info, 'used_cpu_user') + infoNumber(info, 'used_cpu_sys')) * 1000, commands };
}
