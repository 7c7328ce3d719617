import { join } from 'node:path';
import { namedArguments } from '../../src/redis/commands/script-io';
import { assembleScript } from '../../src/redis/script-loader';
import { SCRIPT_DIR } from '../../src/redis/scripts';
import { BACKENDS, useBackend } from '../workflows/support';

const HELPER = assembleScript(join(SCRIPT_DIR, 'includes', 'namedArguments.lua'));

describe.each(BACKENDS)('named script arguments (includes/namedArguments.lua) on %s', (backendName) => {
  const backend = useBackend(backendName);

  function read(expression: string, args: Record<string, string>): Promise<unknown> {
    return backend.redis.eval(`${HELPER}\nlocal args = namedArguments(ARGV)\nreturn ${expression}`, 0, ...namedArguments(args));
  }

  it('reads each value by its name, an empty one too', async () => {
    expect(
      await read("{args.gate, args.reason, '[' .. args.requestId .. ']'}", { gate: '3', requestId: '', reason: 'agent died' }),
    ).toEqual(['3', 'agent died', '[]']);
  });

  it('fails the script on a name the caller did not send, naming it', async () => {
    await expect(read('args.planToken', { gate: '3' })).rejects.toThrow(/missing argument planToken/);
  });
});
