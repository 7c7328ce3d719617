import type { RedisClient } from '../redis/client';
import type { Metrics } from './metrics';

/** The part of ioredis's Command we read: its name, the promise it settles, its class (a script's own). */
interface SentCommand {
  name: string;
  promise: Promise<unknown>;
  constructor: unknown;
}

/** ioredis's third argument of sendCommand: set when the command is one of a pipeline's (or MULTI's) being written. */
interface CommandStream {
  isPipeline?: boolean;
}

type SendCommand = (command: SentCommand, stream?: CommandStream, ...rest: unknown[]) => unknown;

interface ExecutablePipeline {
  exec(...args: unknown[]): Promise<unknown>;
}

/** What instrumentRedis reaches of ioredis beyond its typings: absent on the embedded ioredis-mock. */
interface InstrumentedClient {
  sendCommand?: SendCommand;
  /** defineCommand's scripts by name; each sends its EVALSHA as an instance of its own Command class. */
  scriptsSet?: Record<string, { Command: unknown }>;
  pipeline(...args: unknown[]): ExecutablePipeline;
  multi(...args: unknown[]): ExecutablePipeline;
}

/** The label of a script's round trips: its name, not the EVALSHA every script is sent as. */
export const scriptLabel = (name: string): string => `script:${name}`;
/** The label of a whole pipeline (one round trip, however many commands) and of a MULTI/EXEC. */
export const PIPELINE_LABEL = 'pipeline';
export const MULTI_LABEL = 'multi';

/**
 * Times the client's round trips into wave_redis_command_duration_seconds, one observation per unit a
 * caller waits on: a command outside pipelines (by name), a script (by its name, `script:<name>`), a
 * pipeline or MULTI once (`pipeline`, `multi`), not each command in it. Two clock reads and one
 * settled-promise callback per unit. Also follows the connection state. The embedded ioredis-mock has
 * neither sendCommand nor a status: it is always there, and not timed.
 */
export function instrumentRedis(redis: RedisClient, metrics: Metrics): void {
  const client = redis as unknown as InstrumentedClient;
  const connected = (): number => (redis.status === undefined || redis.status === 'ready' ? 1 : 0);
  metrics.redisConnected.set(connected());
  redis.on('ready', () => metrics.redisConnected.set(1));
  for (const event of ['close', 'reconnecting', 'end']) redis.on(event, () => metrics.redisConnected.set(0));

  const sendCommand = client.sendCommand?.bind(redis);
  if (!sendCommand) return;
  const histogram = metrics.redisCommandDuration;
  // Label children resolved once: prom-client's observe with a label object hashes it every time.
  type Timer = ReturnType<typeof histogram.labels>;
  const timers = new Map<string, Timer>();
  const timerOf = (label: string): Timer => {
    let timer = timers.get(label);
    if (!timer) timers.set(label, (timer = histogram.labels(label)));
    return timer;
  };
  const scriptTimers = new Map<unknown, Timer>(
    Object.entries(client.scriptsSet ?? {}).map(([name, script]) => [script.Command, timerOf(scriptLabel(name))]),
  );
  const observeWhenSettled = (timer: Timer, startedAt: number, settled: Promise<unknown>): void => {
    const observe = (): void => timer.observe((performance.now() - startedAt) / 1000);
    // Both outcomes are timed; the caller still sees (and handles) the rejection on its own promise.
    settled.then(observe, observe);
  };

  client.sendCommand = (command, stream, ...rest) => {
    // A pipeline's commands are timed together, by the pipeline. One sent before the connection is
    // ready is queued and sent here again once it is (or fails at once): timed then, and only then.
    if (!stream?.isPipeline && redis.status === 'ready') {
      observeWhenSettled(scriptTimers.get(command.constructor) ?? timerOf(command.name), performance.now(), command.promise);
    }
    return sendCommand(command, stream, ...rest);
  };
  timeFirstExec(client, 'pipeline', timerOf(PIPELINE_LABEL), observeWhenSettled);
  timeFirstExec(client, 'multi', timerOf(MULTI_LABEL), observeWhenSettled);
}

/**
 * Makes every pipeline (or MULTI) the client creates time its first exec: ioredis calls exec again
 * itself when it waits for a connection, and that second call is not another round trip of the caller's.
 */
function timeFirstExec<Timer>(
  client: InstrumentedClient,
  create: 'pipeline' | 'multi',
  timer: Timer,
  observeWhenSettled: (timer: Timer, startedAt: number, settled: Promise<unknown>) => void,
): void {
  const createPipeline = client[create].bind(client);
  client[create] = (...args) => {
    const pipeline = createPipeline(...args);
    const exec = pipeline.exec;
    pipeline.exec = (...execArgs) => {
      pipeline.exec = exec;
      const startedAt = performance.now();
      const settled = exec.apply(pipeline, execArgs);
      observeWhenSettled(timer, startedAt, settled);
      return settled;
    };
    return pipeline;
  };
}
