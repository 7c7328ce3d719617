import type { RedisClient } from './client';

/**
 * Read commands that concurrent requests share: identical commands (same name, key and arguments)
 * issued while one is pending or in flight are sent once, and every sharer gets its reply or error.
 *
 * Read-your-writes: a session (one request) may only use the reply of a command sent after it began.
 * Commands issued in one macrotask wait in a batch sent by setImmediate, which everyone in it began
 * before; a command already in flight is joined only by sessions that began before its batch was sent
 * (batches are numbered as they are sent, a session remembers the number sent before it began).
 * Nothing outlives its reply: this is no cache. Writes, scripts and a mutation's own reads never pass
 * here. A batch is one pipeline, so on a Cluster its keys must share a slot (the key prefix's hash tag).
 */
export type SharedReadName = 'hgetall' | 'get' | 'smembers' | 'llen' | 'zcard' | 'zscore' | 'zrangebyscore' | 'zrevrangebyscore';

export type ReadCommand = readonly [SharedReadName, string, ...Array<string | number>];

/** What a pipeline answers for one command: its error, or its value. */
export type ReadReply = [Error | null, unknown];

/** One request's reads: the batches sent before it began are not its to share. */
export interface ReadSession {
  readonly sentBeforeStart: number;
}

interface SharedCommand {
  command: ReadCommand;
  signature: string;
  reply: Promise<ReadReply>;
  /** The batch that carries it; 0 while it waits to be sent. */
  batch: number;
  settle: (reply: ReadReply) => void;
  fail: (error: unknown) => void;
}

export class SharedReads {
  private batchesSent = 0;
  /** Commands waiting for, or in, flight: every entry leaves with its reply. */
  private readonly shared = new Map<string, SharedCommand>();
  private waiting: SharedCommand[] = [];

  constructor(private readonly redis: RedisClient) {}

  /** Starts a request's reads: call it when the request begins. */
  session(): ReadSession {
    return { sentBeforeStart: this.batchesSent };
  }

  /**
   * The replies of `commands`, in order, in one round trip: shared with concurrent sessions when a
   * session is given, a plain pipeline of this caller's own otherwise.
   */
  async read(commands: readonly ReadCommand[], session?: ReadSession): Promise<ReadReply[]> {
    if (!session) return this.sendAlone(commands);
    return Promise.all(commands.map((command) => this.share(command, session)));
  }

  private share(command: ReadCommand, session: ReadSession): Promise<ReadReply> {
    const signature = command.join('\u0000');
    const current = this.shared.get(signature);
    if (current && (current.batch === 0 || current.batch > session.sentBeforeStart)) return current.reply;
    let settle!: SharedCommand['settle'];
    let fail!: SharedCommand['fail'];
    const reply = new Promise<ReadReply>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    const entry: SharedCommand = { command, signature, batch: 0, reply, settle, fail };
    // An older in-flight command stays for the sessions that may join it; the newer one takes its place.
    this.shared.set(signature, entry);
    if (this.waiting.length === 0) setImmediate(() => this.sendWaiting());
    this.waiting.push(entry);
    return entry.reply;
  }

  private sendWaiting(): void {
    const batch = this.waiting;
    this.waiting = [];
    this.batchesSent += 1;
    for (const entry of batch) entry.batch = this.batchesSent;
    const leave = (entry: SharedCommand) => {
      if (this.shared.get(entry.signature) === entry) this.shared.delete(entry.signature);
    };
    this.sendAlone(batch.map((entry) => entry.command)).then(
      (replies) =>
        batch.forEach((entry, i) => {
          leave(entry);
          entry.settle(replies[i]);
        }),
      (error: unknown) =>
        batch.forEach((entry) => {
          leave(entry);
          entry.fail(error);
        }),
    );
  }

  private async sendAlone(commands: readonly ReadCommand[]): Promise<ReadReply[]> {
    // A lone command goes as itself, so the latency metric names it rather than a pipeline of one.
    if (commands.length === 1) return [await this.sendOne(commands[0])];
    const pipeline = this.redis.pipeline();
    for (const [name, ...args] of commands) {
      (pipeline[name] as unknown as (...args: Array<string | number>) => unknown).apply(pipeline, args);
    }
    return ((await pipeline.exec()) ?? []) as ReadReply[];
  }

  private async sendOne([name, ...args]: ReadCommand): Promise<ReadReply> {
    const send = this.redis[name] as unknown as (...args: Array<string | number>) => Promise<unknown>;
    try {
      return [null, await send.apply(this.redis, args)];
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'ReplyError') throw error;
      return [error, null];
    }
  }
}
