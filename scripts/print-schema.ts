/** Writes schema/schema.graphql from the code, or with --check fails when the committed file is stale. */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printDeclaredSchema } from '../src/graphql/schema';

const SCHEMA_PATH = join(__dirname, '..', 'schema', 'schema.graphql');

async function main(): Promise<void> {
  const printed = await printDeclaredSchema();
  if (!process.argv.includes('--check')) {
    writeFileSync(SCHEMA_PATH, printed);
    console.log(`wrote ${SCHEMA_PATH}`);
    return;
  }
  const committed = readFileSync(SCHEMA_PATH, 'utf8');
  if (committed !== printed) {
    console.error('schema/schema.graphql is stale: run `npm run schema:print` and commit it.');
    process.exit(1);
  }
}

void main();
