/**
 * What one client sent during a run: how many commands (counted as it sends them) and the longest
 * Redis spent on one, from Redis's own SLOWLOG, logging only between `start` and `stop` so that
 * seeding never fills it. The client is known in SLOWLOG by the name it is given (CLIENT SETNAME,
 * index 5 of an entry).
 *
 * The threshold is 100 µs, not 0: Redis 7.0 logs every command a script runs as an entry of its own
 * (client `?:0`), so at 0 one sweeping reset logs an entry per queued id (100,416 at 100k queued)
 * and a batch of 100 at 100k overflows any slowlog-max-len a run can afford, losing the service's
 * own entries. The service's commands are counted as it sends them instead. Commands run inside a
 * script that are slow enough to be logged are reported apart: the longest command inside a script.
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type Redis from 'ioredis';
import { assembleScript } from '../../src/redis/script-loader';
import { SCRIPT_DIR } from '../../src/redis/scripts';

/** Commands faster than this are not logged (slowlog-log-slower-than), and the longest is then reported as under it. */
export const LOGGED_FROM_MICROS = 100;
const MAX_ENTRIES = 1_000_000;
/** How SLOWLOG names the client of a command run by a script. */
const SCRIPT_CLIENT_ADDRESS = '?:0';

export interface LoggedCommand {
  /** `LREM`, or `script reset-workflow` for an EVALSHA / EVAL. */
  name: string;
  micros: number;
}

export interface CommandLogSummary {
  /** Commands the client sent, pipelined ones each counted. */
  commands: number;
  /** Null when every command took under LOGGED_FROM_MICROS. */
  longest: LoggedCommand | null;
  /** The longest command a script ran (of any client), or null. */
  longestInScript: LoggedCommand | null;
  /** How many of the client's commands took longer than OVER_MICROS. */
  over: number;
}

/** The goal's bound on one command: more than this counts in `over`. */
export const OVER_MICROS = 5_000;

/** [id, unix time, microseconds, arguments, client address, client name] */
type SlowlogEntry = [number, number, number, string[], string, string];

export class CommandLog {
  /** Script file names (`reset-workflow`) by the SHA1 of their assembled source, as ioredis's EVALSHA names them. */
  private readonly scripts = new Map(
    readdirSync(SCRIPT_DIR)
      .filter((file) => file.endsWith('.lua'))
      .map((file) => [
        createHash('sha1')
          .update(assembleScript(join(SCRIPT_DIR, file)))
          .digest('hex'),
        basename(file, '.lua'),
      ]),
  );
  private sent = 0;

  /** `admin` is a connection of its own, whose commands are never counted. */
  private constructor(
    private readonly admin: Redis,
    private readonly clientName: string,
  ) {}

  /** Names `client` `clientName` and counts every command it sends from now on. */
  static async follow(admin: Redis, client: Redis, clientName: string): Promise<CommandLog> {
    await client.client('SETNAME', clientName);
    const log = new CommandLog(admin, clientName);
    const send = client.sendCommand.bind(client);
    client.sendCommand = (...args: Parameters<Redis['sendCommand']>) => {
      log.sent += 1;
      return send(...args);
    };
    return log;
  }

  async start(): Promise<void> {
    await this.admin.config('SET', 'slowlog-max-len', String(MAX_ENTRIES));
    await this.admin.call('SLOWLOG', 'RESET');
    this.sent = 0;
    await this.admin.config('SET', 'slowlog-log-slower-than', String(LOGGED_FROM_MICROS));
  }

  /** Turns logging off (-1) and summarises the run. */
  async stop(): Promise<CommandLogSummary> {
    const commands = this.sent;
    await this.admin.config('SET', 'slowlog-log-slower-than', '-1');
    const length = Number(await this.admin.call('SLOWLOG', 'LEN'));
    if (length >= MAX_ENTRIES) throw new Error(`SLOWLOG held ${length} entries, its limit: commands of the run were lost`);
    const entries = (await this.admin.call('SLOWLOG', 'GET', '-1')) as SlowlogEntry[];
    await this.admin.call('SLOWLOG', 'RESET');
    let longest: LoggedCommand | null = null;
    let longestInScript: LoggedCommand | null = null;
    let over = 0;
    for (const [, , micros, args, address, name] of entries) {
      if (name === this.clientName && micros > OVER_MICROS) over += 1;
      if (name === this.clientName && micros > (longest?.micros ?? -1)) longest = { name: this.commandName(args), micros };
      if (address === SCRIPT_CLIENT_ADDRESS && micros > (longestInScript?.micros ?? -1))
        longestInScript = { name: this.commandName(args), micros };
    }
    return { commands, longest, longestInScript, over };
  }

  private commandName(args: readonly string[]): string {
    const command = args[0]?.toUpperCase() ?? '?';
    if (command === 'EVALSHA') return `script ${this.scripts.get(args[1]) ?? args[1]?.slice(0, 12)}`;
    return command === 'EVAL' ? 'script (EVAL)' : command;
  }
}
