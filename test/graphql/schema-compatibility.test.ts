import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';

const ROOT = join(__dirname, '..', '..');
const SCHEMA = 'schema/schema.graphql';
/** Breaking changes made on purpose: `{ "change": "<graphql-inspector's message>", "reason": "..." }`. */
const ACKNOWLEDGED = 'schema/breaking-changes.json';

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

/**
 * The schema clients had before this change: the committed one while the working copy differs from
 * it, else the version before the last commit that changed the file. Null for the very first version.
 */
function previousSchema(current: string): string | null {
  const committed = git('show', `HEAD:${SCHEMA}`);
  if (committed !== current) return committed;
  const [, previousCommit] = git('log', '-n', '2', '--format=%H', '--', SCHEMA).split('\n').filter(Boolean);
  return previousCommit ? git('show', `${previousCommit}:${SCHEMA}`) : null;
}

describe('schema compatibility', () => {
  it('makes no breaking change to what clients had, unless it is acknowledged in schema/breaking-changes.json', async () => {
    const current = readFileSync(join(ROOT, SCHEMA), 'utf8');
    const previous = previousSchema(current);
    if (previous === null) return;
    const changes = await diff(buildSchema(previous, { assumeValidSDL: true }), buildSchema(current, { assumeValidSDL: true }));
    const acknowledged = new Set(
      (JSON.parse(readFileSync(join(ROOT, ACKNOWLEDGED), 'utf8')) as Array<{ change: string }>).map((entry) => entry.change),
    );
    const unacknowledged = changes
      .filter((change) => change.criticality.level === CriticalityLevel.Breaking)
      .map((change) => change.message)
      .filter((message) => !acknowledged.has(message));
    expect(unacknowledged).toEqual([]);
  });
});
