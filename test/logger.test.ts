import { createLogger } from '../src/logger';

/** What a logger from createLogger writes, one parsed line per entry. */
function capture(): { lines: Array<Record<string, unknown>>; stream: { write(line: string): void } } {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, stream: { write: (line: string) => void lines.push(JSON.parse(line)) } };
}

describe('the logger', () => {
  it("keeps a failed Redis command's name but not its arguments, however deep the error nests them", () => {
    const { lines, stream } = capture();
    const refused = Object.assign(new Error('WRONGPASS invalid username-password pair'), {
      command: { name: 'auth', args: ['wave', 's3cret-pw'] },
    });
    const clusterError = Object.assign(new Error('Failed to refresh slots cache.'), { lastNodeError: refused });

    createLogger({ logLevel: 'info' }, stream).warn({ err: clusterError }, 'redis connection error');

    expect(JSON.stringify(lines)).not.toContain('s3cret-pw');
    expect(lines[0]).toMatchObject({
      msg: 'redis connection error',
      err: {
        message: 'Failed to refresh slots cache.',
        lastNodeError: { message: expect.stringMatching(/^WRONGPASS/), command: { name: 'auth' } },
      },
    });
  });
});
