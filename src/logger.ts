import pino, { type Logger } from 'pino';
import type { Config } from './config';

export function createLogger(config: Pick<Config, 'nodeEnv'>): Logger {
  return pino({
    level: config.nodeEnv === 'test' ? 'silent' : 'info',
    redact: ['req.headers.authorization', '*.token'],
  });
}
