import { loadConfig } from '../../../src/config';
import { createEmbeddedRedis, connectRedis, type RedisClient } from '../../../src/redis/client';
import { RedisKeys } from '../../../src/redis/keys';
import { RedisServer } from '../../helpers/redis-server';

/**
 * The two Redis implementations the rate limiter must behave the same on: the embedded ioredis-mock
 * (Lua through fengari) and a real redis-server this test file starts. Call inside a describe.
 */
export function redisBackends(): {
  backends: [name: string, connect: () => RedisClient][];
  connectReal: () => RedisClient;
  freshKeys: () => RedisKeys;
} {
  let server: RedisServer;
  const clients: RedisClient[] = [];
  let prefixes = 0;

  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(async () => {
    clients.forEach((client) => client.disconnect());
    await server.dispose();
  });

  const track = (client: RedisClient): RedisClient => {
    clients.push(client);
    return client;
  };
  const connectReal = (): RedisClient => track(connectRedis(server.url, loadConfig({}).redis));
  // One client per backend is shared by the tests (as one server shares one); connectReal adds more.
  const shared = (connect: () => RedisClient): (() => RedisClient) => {
    let client: RedisClient | undefined;
    return () => (client ??= connect());
  };
  return {
    backends: [
      ['ioredis-mock', shared(() => track(createEmbeddedRedis()))],
      ['a real redis-server', shared(connectReal)],
    ],
    connectReal,
    // ioredis-mock instances share one keyspace: a prefix per test keeps tests apart.
    freshKeys: () => new RedisKeys(`test${++prefixes}`),
  };
}
