/**
 * Writes generated/persisted-documents.json, the bundled manifest of trusted documents (sha256 → document),
 * from the typed documents codegen wrote (generated/operations.ts, generated/console-operations.ts):
 * `npm run codegen` runs it after them. Each document is stored as Apollo Client sends it (its cache adds
 * `__typename` to every selection set, then `print`), so Apollo's persisted-queries link computes the same
 * id; other clients look their id up by operation name (README, "Trusted documents").
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addTypenameToDocument } from '@apollo/client/utilities';
import { print, type DocumentNode } from 'graphql';
import { documentIdOf } from '../src/config/trusted-documents';
import * as consoleOperations from '../generated/console-operations';
import * as operations from '../generated/operations';

export const MANIFEST_FILE = join(__dirname, '..', 'generated', 'persisted-documents.json');

/** The text Apollo Client sends for a typed document: what its persisted-queries link hashes. */
export const textSentByApolloClient = (document: DocumentNode) => print(addTypenameToDocument(document));

const isOperationDocument = (value: unknown): value is DocumentNode =>
  typeof value === 'object' &&
  value !== null &&
  (value as DocumentNode).kind === 'Document' &&
  (value as DocumentNode).definitions.some((definition) => definition.kind === 'OperationDefinition');

/** Every operation of the generated modules, by id, sorted by id so the file changes only with a document. */
export function persistedDocuments(): Record<string, string> {
  const texts = [operations, consoleOperations].flatMap((module) =>
    Object.values(module).filter(isOperationDocument).map(textSentByApolloClient),
  );
  return Object.fromEntries(texts.map((text) => [documentIdOf(text), text]).sort(([a], [b]) => a.localeCompare(b)));
}

export const manifestText = () => `${JSON.stringify(persistedDocuments(), null, 2)}\n`;

if (require.main === module) writeFileSync(MANIFEST_FILE, manifestText());
