import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from './config';

/**
 * ioredis puts a failed command's arguments on its error (`command.args`), and nests the errors of
 * each cluster node (`lastNodeError`): a refused AUTH carries the password. Only the command's name is
 * logged, at any depth.
 */
function withoutCommandArguments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutCommandArguments);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) =>
      key === 'command' && field && typeof field === 'object'
        ? [key, { name: (field as { name?: unknown }).name }]
        : [key, withoutCommandArguments(field)],
    ),
  );
}

/** Logs to `destination`, stdout by default. */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    redact: ['req.headers.authorization', '*.token'],
    serializers: { err: (error: Error) => withoutCommandArguments(pino.stdSerializers.err(error)) },
  };
  return destination ? pino(options, destination) : pino(options);
}
