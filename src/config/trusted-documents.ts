import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * Which documents run (docs/operations.md, "Trusted documents"): `off` serves any document as before,
 * `allow` also serves ids of the manifest, `require` serves only ids and texts of the manifest (and
 * introspection where INTROSPECTION is on); the trusted gateway is never held to it.
 */
export type TrustedDocumentsMode = 'off' | 'allow' | 'require';

export const trustedDocumentsEnv = z.object({
  TRUSTED_DOCUMENTS: z.enum(['off', 'allow', 'require'], { message: 'must be off, allow or require' }).optional(),
  TRUSTED_DOCUMENTS_FILE: z.string().min(1).optional(),
});

export interface TrustedDocumentsConfig {
  mode: TrustedDocumentsMode;
  /** sha256 (hex) → document: the bundled manifest and TRUSTED_DOCUMENTS_FILE's. */
  documents: ReadonlyMap<string, string>;
}

/** What `npm run codegen` writes from documents/ (the console's and the typed documents). */
export const BUNDLED_MANIFEST_FILE = join(__dirname, '..', '..', 'generated', 'persisted-documents.json');

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** A document's id in a manifest: the sha256 of its exact text, in hex. */
export const documentIdOf = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A manifest is a JSON object of sha256 → document (what codegen's client-preset `persistedDocuments`
 * and scripts/persisted-documents.ts write). Every id is checked against its document, so a manifest of
 * another hash (sha1, codegen's default) or a hand-edited one fails the start instead of every request.
 */
export function readManifest(file: string): { documents: Map<string, string>; problems: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'not valid JSON';
    return { documents: new Map(), problems: [`cannot read ${file} (${reason})`] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { documents: new Map(), problems: [`${file} must hold a JSON object of sha256 → document`] };
  }
  const documents = new Map<string, string>();
  const problems: string[] = [];
  for (const [id, document] of Object.entries(parsed)) {
    if (!SHA256_HEX.test(id)) problems.push(`${file}: "${id.slice(0, 70)}" is not a sha256 in lowercase hex`);
    else if (typeof document !== 'string' || documentIdOf(document) !== id)
      problems.push(`${file}: ${id} is not the sha256 of its document`);
    else documents.set(id, document);
  }
  if (problems.length > 3) problems.splice(3, problems.length - 3, `${file}: and ${problems.length - 3} more ids`);
  return { documents, problems };
}

type TrustedDocumentsEnv = z.output<typeof trustedDocumentsEnv>;

/**
 * Production defaults to `allow`: clients this server does not bundle (a deployment's own frontends, a
 * router without GATEWAY_SECRET) keep working on upgrade; a deployment that lists its clients' documents
 * in TRUSTED_DOCUMENTS_FILE turns on `require`.
 */
export function trustedDocumentsOf(
  value: TrustedDocumentsEnv,
  isProduction: boolean,
): { config: TrustedDocumentsConfig; problems: string[] } {
  const mode = value.TRUSTED_DOCUMENTS ?? (isProduction ? 'allow' : 'off');
  if (mode === 'off' && !value.TRUSTED_DOCUMENTS_FILE) return { config: { mode, documents: new Map() }, problems: [] };
  const bundled = readManifest(BUNDLED_MANIFEST_FILE);
  const own = value.TRUSTED_DOCUMENTS_FILE ? readManifest(value.TRUSTED_DOCUMENTS_FILE) : { documents: new Map(), problems: [] };
  return {
    config: { mode, documents: new Map([...bundled.documents, ...own.documents]) },
    problems: [
      ...bundled.problems.map((problem) => `TRUSTED_DOCUMENTS: the bundled manifest is broken (run npm run codegen): ${problem}`),
      ...own.problems.map((problem) => `TRUSTED_DOCUMENTS_FILE: ${problem}`),
    ],
  };
}
