import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isNonNullType } from 'graphql';
import { buildDeclaredSchema, printDeclaredSchema } from '../../src/graphql/schema';
import { nonNullFieldsGuardedAboveParent, rootFieldsMissingAuth } from '../helpers/schema-audits';

describe('the declared schema', () => {
  it('is what schema/schema.graphql holds (run `npm run schema:print` after changing types)', async () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8');
    expect(committed).toBe(await printDeclaredSchema());
  });

  it('puts @auth on every root field', async () => {
    expect(rootFieldsMissingAuth(await buildDeclaredSchema())).toEqual([]);
  });

  it('makes every field guarded by a stronger role than its parent nullable, so its FORBIDDEN costs only itself', async () => {
    expect(nonNullFieldsGuardedAboveParent(await buildDeclaredSchema())).toEqual([]);
  });

  it('makes every mutation payload nullable, so a refused field of a mutation costs only itself', async () => {
    const mutation = (await buildDeclaredSchema()).getMutationType()!;
    expect(
      Object.values(mutation.getFields())
        .filter((field) => isNonNullType(field.type))
        .map((field) => field.name),
    ).toEqual([]);
  });

  it('shows resetWorkflow with its role, and what its calls spend in its description', async () => {
    const printed = await printDeclaredSchema();
    expect(printed).toContain('resetWorkflow(input: ResetWorkflowInput!): CleanupSummary @auth(requires: OPERATOR)\n');
    expect(printed).toMatch(
      /RESET_RATE_LIMIT \(default 5 a minute\).*RESET_PREVIEW_RATE_LIMIT \(default 30 a minute\).*requestId spends nothing/,
    );
  });
});
