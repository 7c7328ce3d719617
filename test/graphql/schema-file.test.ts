import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootFieldsMissingAuth } from '../../src/graphql/directives';
import { buildDeclaredSchema, printDeclaredSchema } from '../../src/graphql/schema';

describe('the declared schema', () => {
  it('is what schema/schema.graphql holds (run `npm run schema:print` after changing types)', async () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8');
    expect(committed).toBe(await printDeclaredSchema());
  });

  it('puts @auth on every root field', async () => {
    expect(rootFieldsMissingAuth(await buildDeclaredSchema())).toEqual([]);
  });

  it('shows resetWorkflow with its role and its default rate limit', async () => {
    expect(await printDeclaredSchema()).toContain(
      'resetWorkflow(input: ResetWorkflowInput!): CleanupSummary! @auth(requires: OPERATOR) @rateLimit(window: "1m", max: 5)',
    );
  });
});
