import type Redis from 'ioredis';
import { RedisServer } from '../../test/helpers/redis-server';

export { RedisServer };

/** Keys written per MSET; pipelined, 1M keys load in a few seconds. */
const FILL_BATCH = 1000;

/** `count` unrelated string keys (`bench:filler:<n>`), the keyspace a reset must not depend on. */
export async function fillKeyspace(redis: Redis, count: number): Promise<void> {
  for (let start = 0; start < count; start += 100 * FILL_BATCH) {
    const pipeline = redis.pipeline();
    for (let batch = start; batch < Math.min(count, start + 100 * FILL_BATCH); batch += FILL_BATCH) {
      const pairs: string[] = [];
      for (let n = batch; n < Math.min(count, batch + FILL_BATCH); n += 1) pairs.push(`bench:filler:${n}`, 'x');
      pipeline.mset(...pairs);
    }
    await pipeline.exec();
  }
}
