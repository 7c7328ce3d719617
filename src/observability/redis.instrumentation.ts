import type { RedisClient } from '../redis/client';
import type { Metrics } from './metrics';

/** The part of ioredis's Command we read: its name and the promise it settles. */
interface SentCommand {
  name: string;
  promise: Promise<unknown>;
}

/**
 * Times every command the client sends (one clock read and one settled-promise callback each) and
 * follows its connection state. The embedded ioredis-mock has neither sendCommand nor a status: it is
 * always there.
 */
export function instrumentRedis(redis: RedisClient, metrics: Metrics): void {
  const client = redis as unknown as { sendCommand?: (command: SentCommand, ...rest: unknown[]) => unknown };
  const connected = (): number => (redis.status === undefined || redis.status === 'ready' ? 1 : 0);
  metrics.redisConnected.set(connected());
  redis.on('ready', () => metrics.redisConnected.set(1));
  for (const event of ['close', 'reconnecting', 'end']) redis.on(event, () => metrics.redisConnected.set(0));

  const sendCommand = client.sendCommand?.bind(redis);
  if (!sendCommand) return;
  client.sendCommand = (command, ...rest) => {
    const stopTimer = metrics.redisCommandDuration.startTimer({ command: command.name });
    const observe = (): void => {
      stopTimer();
    };
    // Both outcomes are timed; the caller still sees (and handles) the rejection on its own promise.
    command.promise.then(observe, observe);
    return sendCommand(command, ...rest);
  };
}
