/**
 * Trusted documents (persisted operations): a request names a document of the manifest by id, as the
 * GraphQL-over-HTTP proposal sends it (`documentId`, bare or `sha256:`-prefixed) or as Apollo Client's
 * persisted-queries link does (`extensions.persistedQuery.sha256Hash`, version 1), over POST, GET,
 * batches and graphql-ws. Apollo Server's own APQ cannot do this: it has no `documentId`, no way to
 * refuse arbitrary documents, and registers any document a client sends with its hash. So ids are
 * resolved here, before Apollo, which then sees a plain document without `persistedQuery`.
 */
import type { RequestHandler } from 'express';
import { Kind, parse } from 'graphql';
import type { TrustedDocumentsConfig } from '../config';
import { documentIdOf } from '../config/trusted-documents';
import { ErrorCode } from '../error-codes';

/** What a request may carry to name or send its document. */
export interface OperationRequest {
  query?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

export interface DocumentRefusal {
  code: ErrorCode;
  message: string;
}

/** A refusal, or else the document to run (absent: the request names none, for the transport to refuse). */
export interface Admission {
  query?: string;
  refusal?: DocumentRefusal;
}

export interface TrustedDocumentsPolicy {
  admit(request: OperationRequest): Admission;
}

/** Apollo's messages: urql's persisted exchange recognises a miss by this message, Apollo's link by the code. */
const NOT_FOUND: DocumentRefusal = { code: ErrorCode.PERSISTED_QUERY_NOT_FOUND, message: 'PersistedQueryNotFound' };
const REQUIRED: DocumentRefusal = {
  code: ErrorCode.PERSISTED_QUERY_REQUIRED,
  message: 'This server runs trusted documents only: send the id of a document of its manifest (documentId or extensions.persistedQuery).',
};
const UNSUPPORTED_VERSION: DocumentRefusal = { code: ErrorCode.BAD_REQUEST, message: 'Unsupported persisted query version (only 1).' };
const NOT_RUN_IN_BATCH: DocumentRefusal = { code: ErrorCode.BAD_REQUEST, message: 'Not run: another operation of this batch was refused.' };

const DOCUMENT_ID_PREFIX = 'sha256:';
const INTROSPECTION_FIELDS = new Set(['__schema', '__type', '__typename']);

/** The id a request names, `null` for a persistedQuery of a version we do not serve. */
function requestedId({ documentId, extensions }: OperationRequest): string | null | undefined {
  if (typeof documentId === 'string')
    return documentId.startsWith(DOCUMENT_ID_PREFIX) ? documentId.slice(DOCUMENT_ID_PREFIX.length) : documentId;
  const persisted = (extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | null | undefined)?.persistedQuery;
  if (typeof persisted !== 'object' || persisted === null) return undefined;
  return persisted.version === 1 && typeof persisted.sha256Hash === 'string' ? persisted.sha256Hash : null;
}

/** A document whose operations read only the schema (the IDE's), parsed within the client token limit. */
function isIntrospectionOnly(query: string, maxTokens: number): boolean {
  try {
    const document = parse(query, { maxTokens, noLocation: true });
    return document.definitions.every(
      (definition) =>
        definition.kind === Kind.FRAGMENT_DEFINITION ||
        (definition.kind === Kind.OPERATION_DEFINITION &&
          definition.operation === 'query' &&
          definition.selectionSet.selections.every(
            (selection) => selection.kind === Kind.FIELD && INTROSPECTION_FIELDS.has(selection.name.value),
          )),
    );
  } catch {
    return false;
  }
}

export function trustedDocumentsPolicy(
  { mode, documents }: TrustedDocumentsConfig,
  { introspection, maxTokens }: { introspection: boolean; maxTokens: number },
): TrustedDocumentsPolicy {
  const isTrusted = (query: string) => documents.has(documentIdOf(query)) || (introspection && isIntrospectionOnly(query, maxTokens));
  return {
    admit(request) {
      const id = requestedId(request);
      if (typeof request.query === 'string' && request.query !== '') {
        // The link's resend after a miss sends the document too: only a manifest's passes in `require`.
        return mode !== 'require' || isTrusted(request.query) ? { query: request.query } : { refusal: REQUIRED };
      }
      if (id === null) return { refusal: UNSUPPORTED_VERSION };
      if (id === undefined) return {};
      const document = documents.get(id);
      return document === undefined ? { refusal: NOT_FOUND } : { query: document };
    },
  };
}

/** The request with its document in `query`, and neither `documentId` nor `persistedQuery` left for Apollo. */
function withDocument<R extends OperationRequest>(request: R, query: string | undefined): R {
  const { documentId: _id, ...rest } = request;
  if (query === undefined) return rest as R;
  const { persistedQuery: _persisted, ...extensions } = (request.extensions ?? {}) as Record<string, unknown>;
  return { ...rest, query, ...(request.extensions === undefined ? {} : { extensions }) } as R;
}

const refusalBody = (refusal: DocumentRefusal) => ({ errors: [{ message: refusal.message, extensions: { code: refusal.code } }] });

/** A GET's parameters as a request: `extensions` is JSON there (malformed: none, for Apollo to refuse). */
function requestOfSearch(params: URLSearchParams): OperationRequest {
  let extensions: unknown;
  try {
    extensions = JSON.parse(params.get('extensions') ?? 'null') ?? undefined;
  } catch {
    extensions = undefined;
  }
  return { query: params.get('query') ?? undefined, documentId: params.get('documentId') ?? undefined, extensions };
}

/**
 * Serves `handler` (Apollo) only requests whose every document is admitted, with ids replaced by their
 * documents; any refusal is answered 400 before anything runs (for a batch: all of it).
 */
export function admitTrustedDocuments(policy: TrustedDocumentsPolicy, handler: RequestHandler): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET') {
      const [path, search = ''] = req.url.split('?', 2);
      const params = new URLSearchParams(search);
      const admission = policy.admit(requestOfSearch(params));
      if (admission.refusal) return void res.status(400).json(refusalBody(admission.refusal));
      if (admission.query !== undefined) {
        const request = withDocument(requestOfSearch(params), admission.query);
        params.delete('documentId');
        params.set('query', admission.query);
        if (request.extensions === undefined) params.delete('extensions');
        else params.set('extensions', JSON.stringify(request.extensions));
        // Apollo's Express integration reads the GET's parameters from req.url.
        req.url = `${path}?${params.toString()}`;
      }
      return handler(req, res, next);
    }
    const body: unknown = req.body;
    const operations = (Array.isArray(body) ? body : [body]) as OperationRequest[];
    if (!operations.every((operation) => typeof operation === 'object' && operation !== null)) return handler(req, res, next);
    const admissions = operations.map((operation) => policy.admit(operation));
    if (admissions.some((admission) => admission.refusal)) {
      const answers = admissions.map((admission) => refusalBody(admission.refusal ?? NOT_RUN_IN_BATCH));
      return void res.status(400).json(Array.isArray(body) ? answers : answers[0]);
    }
    const admitted = operations.map((operation, index) => withDocument(operation, admissions[index].query));
    req.body = Array.isArray(body) ? admitted : admitted[0];
    return handler(req, res, next);
  };
}
