import { loadConfig } from '../../src/config';
import { connectRedis, createEmbeddedRedis, type RedisClient } from '../../src/redis/client';
import { type ReadReply, SharedReads } from '../../src/redis/shared-reads';
import { ReadWatch } from '../helpers/read-watch';
import { RedisServer } from '../helpers/redis-server';

/** Lets the batch of reads issued so far go out: its setImmediate was queued before this one. */
const afterBatchSent = () => new Promise((resolve) => setImmediate(resolve));

/** Two sessions at once: one reads the hash `wave:workflow:a`, the other that hash and the length of `wave:queue:x`. */
const readTogether = (reads: SharedReads) =>
  Promise.all([
    reads.read([['hgetall', 'wave:workflow:a']], reads.session()),
    reads.read(
      [
        ['hgetall', 'wave:workflow:a'],
        ['llen', 'wave:queue:x'],
      ],
      reads.session(),
    ),
  ]);

const valueOf = ([error, value]: ReadReply) => {
  if (error) throw error;
  return value;
};

describe.each(['ioredis-mock', 'redis-server'] as const)('shared reads on %s', (backendName) => {
  let server: RedisServer | undefined;
  let redis: RedisClient;
  let writer: RedisClient;
  let watch: ReadWatch;
  let reads: SharedReads;

  beforeAll(async () => {
    if (backendName === 'redis-server') {
      server = await RedisServer.start();
      redis = connectRedis(server.url, loadConfig({}).redis);
      writer = server.client();
    } else {
      redis = createEmbeddedRedis();
      // ioredis-mock instances share one keyspace: a second one writes as another process would.
      writer = createEmbeddedRedis();
    }
    watch = new ReadWatch(redis);
  });

  beforeEach(async () => {
    await writer.flushall();
    watch.sent = 0;
    reads = new SharedReads(redis);
  });

  afterAll(async () => {
    redis?.disconnect();
    writer?.disconnect();
    await server?.dispose();
  });

  it('sends identical reads of concurrent sessions once, and gives each the same answer', async () => {
    await writer.hset('wave:workflow:a', { phase: 'running' });
    const [one, other] = await readTogether(reads);
    expect(one.map(valueOf)).toEqual([{ phase: 'running' }]);
    expect(other.map(valueOf)).toEqual([{ phase: 'running' }, 0]);
    expect(watch.sent).toBe(1);
  });

  it('shares nothing with a session begun after the read was sent: it sees a write acknowledged before it began', async () => {
    await writer.set('wave:result:t1', 'before');
    watch.hold();
    const older = reads.read([['get', 'wave:result:t1']], reads.session());
    await afterBatchSent();
    await writer.set('wave:result:t1', 'after');
    const newer = await reads.read([['get', 'wave:result:t1']], reads.session());
    expect(newer.map(valueOf)).toEqual(['after']);
    await watch.release();
    expect((await older).map(valueOf)).toEqual(['before']);
    expect(watch.sent).toBe(2);
  });

  it('lets a session begun before a read was sent join it while its reply is awaited', async () => {
    await writer.sadd('wave:workflow:a:tasks', 't1');
    const joiner = reads.session();
    watch.hold();
    const first = reads.read([['smembers', 'wave:workflow:a:tasks']], reads.session());
    await afterBatchSent();
    const joined = reads.read([['smembers', 'wave:workflow:a:tasks']], joiner);
    await afterBatchSent();
    await watch.release();
    expect((await joined).map(valueOf)).toEqual([['t1']]);
    expect((await first).map(valueOf)).toEqual([['t1']]);
    expect(watch.sent).toBe(1);
  });

  it('keeps nothing after the reply: the same read again is sent again and sees the latest write', async () => {
    const session = reads.session();
    await writer.set('wave:result:t1', 'first');
    expect((await reads.read([['get', 'wave:result:t1']], session)).map(valueOf)).toEqual(['first']);
    await writer.set('wave:result:t1', 'second');
    expect((await reads.read([['get', 'wave:result:t1']], session)).map(valueOf)).toEqual(['second']);
    expect(watch.sent).toBe(2);
  });

  it('sends the reads of a caller without a session alone, never shared', async () => {
    await Promise.all([reads.read([['get', 'wave:result:t1']]), reads.read([['get', 'wave:result:t1']])]);
    expect(watch.sent).toBe(2);
  });
});

describe('shared reads counted by redis-server', () => {
  let server: RedisServer;
  let redis: RedisClient;

  beforeAll(async () => {
    server = await RedisServer.start();
    redis = connectRedis(server.url, loadConfig({}).redis);
  });

  afterAll(async () => {
    redis?.disconnect();
    await server?.dispose();
  });

  beforeEach(async () => {
    await redis.flushall();
  });

  /** How many times Redis ran `command` since its stats were reset. */
  async function calls(command: string): Promise<number> {
    const stats = await redis.info('commandstats');
    return Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0);
  }

  it('runs one HGETALL for three concurrent sessions reading the same hash', async () => {
    await redis.hset('wave:workflow:a', { phase: 'running' });
    await redis.config('RESETSTAT');
    const reads = new SharedReads(redis);
    await Promise.all([1, 2, 3].map(() => reads.read([['hgetall', 'wave:workflow:a']], reads.session())));
    expect(await calls('hgetall')).toBe(1);
  });

  it("gives every sharer a shared read's error, and the other replies of its batch", async () => {
    // ioredis-mock answers HGETALL of a string with an empty hash, so this runs on redis-server only.
    await redis.set('wave:workflow:a', 'not a hash');
    await redis.rpush('wave:queue:x', 't1');
    await redis.config('RESETSTAT');
    const reads = new SharedReads(redis);
    const [one, other] = await readTogether(reads);
    for (const [error] of [one[0], other[0]]) expect(error?.message).toMatch(/^WRONGTYPE/);
    expect(valueOf(other[1])).toBe(1);
    expect(await calls('hgetall')).toBe(1);
  });

  it("gives every sharer a lone read's error as its reply", async () => {
    await redis.set('wave:workflow:a', 'not a hash');
    const reads = new SharedReads(redis);
    const replies = await Promise.all([1, 2].map(() => reads.read([['hgetall', 'wave:workflow:a']], reads.session())));
    for (const [[error, value]] of replies) expect([error?.message.slice(0, 9), value]).toEqual(['WRONGTYPE', null]);
  });

  it('gives every sharer of a round trip whose connection is lost its error', async () => {
    const lost = connectRedis(server.url, loadConfig({}).redis);
    const reads = new SharedReads(lost);
    await lost.ping();
    const sharers = [1, 2].map(() => reads.read([['get', 'wave:result:t1']], reads.session()));
    lost.disconnect();
    for (const sharer of sharers) await expect(sharer).rejects.toThrow('Connection is closed.');
  });
});
