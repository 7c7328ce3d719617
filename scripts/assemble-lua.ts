/**
 * Prints a script of src/redis/scripts with its `--- @include` helpers in place, exactly as the API
 * loads it: the source an agent or the orchestrator EVALs (record-task-result.lua, record-task-heartbeat.lua).
 *   npx ts-node --transpile-only scripts/assemble-lua.ts record-task-result.lua > record-task-result.lua
 */
import { join } from 'node:path';
import { assembleScript } from '../src/redis/script-loader';
import { SCRIPT_DIR } from '../src/redis/scripts';

const file = process.argv[2];
if (!file) {
  console.error('usage: scripts/assemble-lua.ts <script>.lua   (a file of src/redis/scripts)');
  process.exit(2);
}
process.stdout.write(assembleScript(join(SCRIPT_DIR, file)));
