import type Redis from 'ioredis';
import { Metrics } from '../../src/observability/metrics';
import { instrumentRedis } from '../../src/observability/redis.instrumentation';
import type { RedisClient } from '../../src/redis/client';
import { RedisServer } from '../helpers/redis-server';

type ProbedRedis = Redis & { probe(key: string): Promise<number> };

describe('the Redis latency metric', () => {
  let server: RedisServer;
  let redis: ProbedRedis;
  let metrics: Metrics;

  /** How many round trips wave_redis_command_duration_seconds observed under `command`. */
  async function observed(command: string): Promise<number> {
    const { values } = await metrics.redisCommandDuration.get();
    const count = values.find((value) => value.metricName?.endsWith('_count') && value.labels.command === command);
    return count?.value ?? 0;
  }

  beforeAll(async () => {
    server = await RedisServer.start();
  });
  beforeEach(async () => {
    redis = server.client() as ProbedRedis;
    redis.defineCommand('probe', { numberOfKeys: 1, lua: `return redis.call('INCR', KEYS[1])` });
    await redis.flushall();
    metrics = new Metrics();
    instrumentRedis(redis as unknown as RedisClient, metrics);
  });
  afterEach(() => redis.disconnect());
  afterAll(async () => {
    await server.dispose();
  });

  it('observes a command sent on its own once, under its name, failed or not', async () => {
    await redis.set('plain', 'v');
    await expect(redis.hget('plain', 'field')).rejects.toThrow(/WRONGTYPE/);
    expect(await observed('set')).toBe(1);
    expect(await observed('hget')).toBe(1);
  });

  it('observes a pipeline once, not each command in it', async () => {
    await redis.pipeline().set('a', '1').get('a').hset('h', 'f', 'v').exec();
    expect(await observed('pipeline')).toBe(1);
    for (const command of ['set', 'get', 'hset']) expect(await observed(command)).toBe(0);
  });

  it('observes a MULTI/EXEC once, as multi', async () => {
    await redis.multi().set('a', '1').incr('a').exec();
    expect(await observed('multi')).toBe(1);
    for (const command of ['set', 'incr', 'exec']) expect(await observed(command)).toBe(0);
  });

  it('observes a script under its name, sent as EVAL on a fresh connection and as EVALSHA after', async () => {
    expect(await redis.probe('counter')).toBe(1);
    expect(await redis.probe('counter')).toBe(2);
    expect(await observed('script:probe')).toBe(2);
    expect(await observed('evalsha')).toBe(0);
    expect(await observed('eval')).toBe(0);
  });

  it('observes a script Redis had lost (NOSCRIPT) under its name too: the whole call, and its retry', async () => {
    await redis.probe('counter');
    await redis.script('FLUSH');
    expect(await redis.probe('counter')).toBe(2);
    expect(await observed('script:probe')).toBe(3);
    expect(await observed('evalsha')).toBe(0);
  });
});
