import type { RedisClient } from '../../src/redis/client';
import type { SharedReadName } from '../../src/redis/shared-reads';

type Exec = ReturnType<RedisClient['pipeline']>['exec'];
type Send = (...args: unknown[]) => Promise<unknown>;

const READS: SharedReadName[] = ['hgetall', 'get', 'smembers', 'llen', 'zcard', 'zscore', 'zrangebyscore', 'zrevrangebyscore'];

/**
 * Counts the round trips of reads a client sends (pipelines, and read commands sent alone) and can
 * withhold the replies of the next ones: each is sent at once (Redis answers it as of that moment),
 * its caller sees the reply only when `release` is called.
 */
export class ReadWatch {
  sent = 0;
  private toHold = 0;
  private held: Array<{ reply: Promise<unknown>; deliver: (reply: unknown) => void; fail: (error: unknown) => void }> = [];
  private sentWaiters: Array<{ count: number; resolve: () => void }> = [];

  constructor(redis: RedisClient) {
    const pipeline = redis.pipeline.bind(redis);
    redis.pipeline = ((...args: Parameters<RedisClient['pipeline']>) => {
      const commands = pipeline(...args);
      const exec = commands.exec.bind(commands);
      commands.exec = (() => this.sentThrough(exec())) as Exec;
      return commands;
    }) as RedisClient['pipeline'];
    const commands = redis as unknown as Record<SharedReadName, Send>;
    for (const name of READS) {
      const send = commands[name].bind(redis);
      commands[name] = (...args: unknown[]) => this.sentThrough(send(...args));
    }
  }

  /** Withholds the replies of the next `count` round trips. */
  hold(count = 1): void {
    this.toHold = count;
  }

  /** Once every withheld reply arrived, hands them all to their callers in one go. */
  async release(): Promise<void> {
    const held = this.held;
    this.held = [];
    const outcomes = await Promise.allSettled(held.map(({ reply }) => reply));
    outcomes.forEach((outcome, i) => (outcome.status === 'fulfilled' ? held[i].deliver(outcome.value) : held[i].fail(outcome.reason)));
  }

  /** Resolves once `count` round trips in all were sent. */
  untilSent(count: number): Promise<void> {
    if (this.sent >= count) return Promise.resolve();
    return new Promise((resolve) => this.sentWaiters.push({ count, resolve }));
  }

  private sentThrough<T>(reply: Promise<T>): Promise<T> {
    this.sent += 1;
    for (const waiter of this.sentWaiters.filter(({ count }) => count <= this.sent)) waiter.resolve();
    this.sentWaiters = this.sentWaiters.filter(({ count }) => count > this.sent);
    if (this.toHold === 0) return reply;
    this.toHold -= 1;
    return new Promise<T>((deliver, fail) => this.held.push({ reply, deliver: deliver as (reply: unknown) => void, fail }));
  }
}
