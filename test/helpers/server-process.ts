import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

/** The built server (test/global-setup.js builds it) as a real process, as `npm start` runs it. */
export class ServerProcess {
  private printed: string;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    /** Everything it printed until it was listening: logs and the development banner. */
    readonly output: string,
  ) {
    this.printed = output;
    const record = (chunk: Buffer): void => {
      this.printed += chunk.toString();
    };
    child.stdout!.on('data', record);
    child.stderr!.on('data', record);
  }

  /** Everything it printed so far, on stdout and stderr. */
  get allOutput(): string {
    return this.printed;
  }

  /** True while the process runs. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once the process has printed something matching `pattern` (a log line, say). */
  printedMatch(pattern: RegExp): Promise<void> {
    if (pattern.test(this.printed)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!pattern.test(this.printed)) return;
        cleanUp();
        resolve();
      };
      const exited = (): void => {
        cleanUp();
        reject(new Error(`server exited before printing ${pattern}:\n${this.printed}`));
      };
      const cleanUp = (): void => {
        this.child.stdout!.off('data', check);
        this.child.stderr!.off('data', check);
        this.child.off('exit', exited);
      };
      // Registered after the recorder, so `printed` already holds the chunk.
      this.child.stdout!.on('data', check);
      this.child.stderr!.on('data', check);
      this.child.once('exit', exited);
    });
  }

  static async start(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH, PORT: '0', NODE_ENV: 'development', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        // The banner is printed last, right after the "listening" log line that carries the URL.
        const listening = /"url":"([^"]+)"[^\n]*"msg":"WAVE control API listening"/.exec(output);
        if (listening && output.includes('Try: curl')) resolve(listening[1]);
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
    });
    child.removeAllListeners('exit');
    return new ServerProcess(child, url, output);
  }

  /** Sends SIGTERM (a graceful stop) and resolves with the exit code. */
  stop(): Promise<number | null> {
    return this.signal('SIGTERM');
  }

  /** Sends SIGKILL: the process dies wherever it is, as in a crash. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /**
   * Kills the process while Redis holds every write (CLIENT PAUSE WRITE): whatever write it sends
   * next, it never lands, as in a crash at exactly this point.
   */
  async killWhileWritesPaused(redis: { call(command: string, ...args: string[]): Promise<unknown> }): Promise<void> {
    await redis.call('CLIENT', 'PAUSE', '10000', 'WRITE');
    try {
      await this.kill();
    } finally {
      await redis.call('CLIENT', 'UNPAUSE');
    }
  }

  /** Sends `signal` and resolves with the exit code once the process exited (null if a signal ended it). */
  async signal(signal: NodeJS.Signals): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const exited = once(this.child, 'exit');
    this.child.kill(signal);
    const [code] = await exited;
    return code as number | null;
  }
}
