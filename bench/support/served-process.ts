import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
/** The URL a server logs once it listens: pino's `"url":"…"` field, or the bare handler's JSON line. */
const LISTENING_URL = /"url":"(http:\/\/[^"]+)"/;

/** An HTTP server in a process of its own, as in production: the bench's load never shares its event loop. */
export class ServedProcess {
  /** Why it ended, once it has: read before /proc, so a crash under load says what it was. */
  private ended?: string;

  private constructor(
    private readonly child: ChildProcess,
    /** Where it answers GraphQL. */
    readonly url: string,
  ) {}

  /** The real server, `node dist/main.js` (built by `npm run bench`'s prebench step). */
  static api(env: NodeJS.ProcessEnv): Promise<ServedProcess> {
    return ServedProcess.start([join(ROOT, 'dist', 'main.js')], env);
  }

  /** A hand-written reference handler: bench/support/bare-dashboard.ts or tight-dashboard.ts (`env` its settings). */
  static handWritten(module: 'bare-dashboard' | 'tight-dashboard', env: NodeJS.ProcessEnv): Promise<ServedProcess> {
    return ServedProcess.start(['-r', 'ts-node/register/transpile-only', join(__dirname, `${module}.ts`)], env);
  }

  private static async start(args: string[], env: NodeJS.ProcessEnv): Promise<ServedProcess> {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        const listening = LISTENING_URL.exec(output);
        if (!listening) return;
        child.stdout!.off('data', onData);
        resolve(listening[1]);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${output}`)));
    });
    // Its access log is read and dropped, so a full pipe never blocks it.
    child.stdout!.resume();
    child.stderr!.resume();
    child.removeAllListeners('exit');
    const served = new ServedProcess(child, url);
    // Its stderr is still collected in `output` (an out-of-memory report, say).
    child.once('exit', (code, signal) => (served.ended = `${args.join(' ')} exited (${signal ?? code}): ${output.slice(-2000)}`));
    return served;
  }

  /** /proc/<pid>/<file>, failing with why the process ended if it has. */
  private proc(file: string): string {
    if (this.ended) throw new Error(this.ended);
    return readFileSync(`/proc/${this.child.pid}/${file}`, 'utf8');
  }

  /** Resident set size now and at its peak (VmRSS, VmHWM), in bytes, from /proc (Linux). */
  memory(): { resident: number; peak: number } {
    const status = this.proc('status');
    const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { resident: kib('VmRSS'), peak: kib('VmHWM') };
  }

  /**
   * CPU time it has used, all threads (GC helpers included), in milliseconds: utime + stime of
   * /proc/<pid>/stat, in clock ticks of 10 ms (USER_HZ is 100 on Linux). Unlike throughput, it hardly
   * moves when other processes take the machine's cores.
   */
  cpuMilliseconds(): number {
    const fields = this.proc('stat').split(') ')[1].split(' ');
    // Counted from the state, the field after the command name: utime and stime are the 12th and 13th.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }
}
