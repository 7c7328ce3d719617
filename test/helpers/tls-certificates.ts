import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway certificate authority and a server certificate it signed, as files for redis-server and Node. */
export class TestCertificates {
  private constructor(private readonly dir: string) {}

  /** The CA a client must trust (NODE_EXTRA_CA_CERTS). */
  get caFile(): string {
    return join(this.dir, 'ca.crt');
  }

  get certFile(): string {
    return join(this.dir, 'server.crt');
  }

  get keyFile(): string {
    return join(this.dir, 'server.key');
  }

  /** Valid for a day, for `localhost` and `127.0.0.1`; generated with openssl into a fresh temporary folder. */
  static create(): TestCertificates {
    const certificates = new TestCertificates(mkdtempSync(join(tmpdir(), 'wave-tls-')));
    const { dir } = certificates;
    const openssl = (...args: string[]): void => {
      execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    };
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=WAVE test CA',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
    );
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr');
    writeFileSync(join(dir, 'san.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    openssl(
      'x509',
      '-req',
      '-days',
      '1',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-extfile',
      'san.cnf',
      '-out',
      'server.crt',
    );
    return certificates;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
