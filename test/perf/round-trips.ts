import type { RedisClient } from '../../src/redis/client';

/**
 * Counts a client's round trips: each write to its socket is one batch sent and waited for (a
 * single command, a pipeline, or the commands ioredis auto-pipelines in one tick).
 */
export class RoundTripCounter {
  count = 0;

  private constructor(redis: RedisClient) {
    const stream = (redis as unknown as { stream: { write: (...args: unknown[]) => boolean } }).stream;
    const write = stream.write.bind(stream);
    stream.write = (...args: unknown[]) => {
      this.count += 1;
      return write(...args);
    };
  }

  /** Counts from now on; the client must be connected (its socket is replaced on reconnection). */
  static async attach(redis: RedisClient): Promise<RoundTripCounter> {
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
    return new RoundTripCounter(redis);
  }

  /** Round trips `run` took. */
  async during(run: () => Promise<unknown>): Promise<number> {
    const before = this.count;
    await run();
    return this.count - before;
  }
}
