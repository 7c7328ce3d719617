/**
 * What another client of the same Redis sees while a benchmark runs: a raw socket sends one inline
 * PING at a time and times each until it is answered PONG. It runs in a worker thread, its own event
 * loop, so the benchmark's own work never delays the timing of a reply.
 */
import { once } from 'node:events';
import { connect } from 'node:net';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface ProbeResult {
  /** Milliseconds from sending a PING until it was answered PONG, its retries after BUSY included. */
  samples: number[];
  /** Answers that were errors (BUSY while a script runs past busy-reply-threshold); each PING is then sent again after 1 ms. */
  failed: number;
  /** The first error answer, as Redis worded it. */
  firstError: string | null;
}

/**
 * A PING refused (BUSY) is sent again this much later. Past busy-reply-threshold Redis answers
 * clients only between slices of the script, so the count is of refusals, not of milliseconds.
 */
const RETRY_AFTER_MS = 1;

type ToProbe = { type: 'begin' } | { type: 'end' };
type FromProbe = { type: 'connected' } | { type: 'running' } | ({ type: 'result' } & ProbeResult) | { type: 'error'; message: string };

/** The probe's thread: PINGs only between a `begin` and an `end` from the benchmark. */
function runProbe(port: number): void {
  const post = (message: FromProbe) => parentPort!.postMessage(message);
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  let measuring = false;
  let ending = false;
  let sentAt = 0n;
  let result: ProbeResult = { samples: [], failed: 0, firstError: null };
  let unread = '';
  const ping = () => {
    sentAt = process.hrtime.bigint();
    socket.write('PING\r\n');
  };
  socket.on('connect', () => post({ type: 'connected' }));
  socket.on('error', (error) => post({ type: 'error', message: error.message }));
  socket.on('data', (chunk: Buffer) => {
    unread += chunk.toString('latin1');
    for (let end = unread.indexOf('\r\n'); end >= 0; end = unread.indexOf('\r\n')) {
      const line = unread.slice(0, end);
      unread = unread.slice(end + 2);
      if (line !== '+PONG') {
        result.failed += 1;
        result.firstError ??= line;
        // Timed from the first send: the sample is how long a client waited for a useful answer.
        setTimeout(() => socket.write('PING\r\n'), RETRY_AFTER_MS);
        continue;
      }
      if (result.samples.push(Number(process.hrtime.bigint() - sentAt) / 1e6) === 1) post({ type: 'running' });
      if (!ending) {
        ping();
        continue;
      }
      measuring = ending = false;
      post({ type: 'result', ...result });
    }
  });
  parentPort!.on('message', (message: ToProbe) => {
    if (message.type === 'begin' && !measuring) {
      measuring = true;
      result = { samples: [], failed: 0, firstError: null };
      ping();
    } else if (message.type === 'end' && measuring) {
      ending = true;
    }
  });
}

/** The benchmark's side of the probe: one thread and one connection, measuring during `begin` … `end`. */
export class PingProbe {
  private constructor(private readonly worker: Worker) {}

  static async start(port: number): Promise<PingProbe> {
    // Under ts-node the thread must register it before it can load this file.
    const register = __filename.endsWith('.ts') ? "require('ts-node').register({ transpileOnly: true });" : '';
    const worker = new Worker(`${register} require(${JSON.stringify(__filename)});`, { eval: true, workerData: { pingProbePort: port } });
    const probe = new PingProbe(worker);
    await probe.next('connected');
    return probe;
  }

  /** Starts PINGing; resolves once the first PING was answered, so the probe is live before the run. */
  async begin(): Promise<void> {
    const running = this.next('running');
    this.worker.postMessage({ type: 'begin' } satisfies ToProbe);
    await running;
  }

  /** Stops after the PING in flight is answered; its figures since `begin`. */
  async end(): Promise<ProbeResult> {
    const result = this.next('result');
    this.worker.postMessage({ type: 'end' } satisfies ToProbe);
    const { type: _type, ...figures } = (await result) as { type: 'result' } & ProbeResult;
    return figures;
  }

  async dispose(): Promise<void> {
    await this.worker.terminate();
  }

  private async next(type: FromProbe['type']): Promise<FromProbe> {
    for (;;) {
      const [message] = (await once(this.worker, 'message')) as [FromProbe];
      if (message.type === 'error') throw new Error(`ping probe: ${message.message}`);
      if (message.type === type) return message;
    }
  }
}

if (!isMainThread && typeof workerData?.pingProbePort === 'number') runProbe(workerData.pingProbePort);
