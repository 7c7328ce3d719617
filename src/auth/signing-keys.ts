import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import type { Algorithm, JwtHeader } from 'jsonwebtoken';
import { JwksClient } from 'jwks-rsa';

/** Same floor as JWT_SECRET in src/config/auth.ts: a short HMAC secret can be brute-forced offline. */
const MIN_SECRET_LENGTH = 32;
/** RSA keys shorter than this are factorable by a determined attacker (NIST SP 800-131A). */
const MIN_RSA_MODULUS_BITS = 2048;

/** Fetch the identity provider's key set at most this often: each `kid` not in the cache costs one fetch. */
export const JWKS_REQUESTS_PER_MINUTE = 10;
/** A slow identity provider must not hold requests: past this the fetch fails and the token is refused. */
const JWKS_TIMEOUT_MS = 5_000;
/** How long a fetched key is trusted before it is fetched again (rotation picks up within this). */
const JWKS_CACHE_MAX_AGE_MS = 10 * 60_000;
const JWKS_CACHE_MAX_ENTRIES = 10;
/** Real `kid`s are short; a long one is junk that should not reach the cache or the network. */
const MAX_KID_LENGTH = 256;

/** Asymmetric algorithms each key type may be used with; the first is assumed when the key names none. */
const ALGORITHMS_BY_KEY_TYPE: Readonly<Record<string, readonly Algorithm[]>> = {
  rsa: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  'ec:prime256v1': ['ES256'],
  'ec:secp384r1': ['ES384'],
  'ec:secp521r1': ['ES512'],
};
/** What a PEM public key may be, as documented for JWT_PUBLIC_KEY. */
const PEM_ALGORITHMS: readonly Algorithm[] = ['RS256', 'ES256'];
const ASYMMETRIC_ALGORITHMS = new Set<string>(Object.values(ALGORITHMS_BY_KEY_TYPE).flat());

/** A key with the one algorithm a token must declare to be checked against it. */
export interface PinnedKey {
  algorithm: Algorithm;
  key: KeyObject;
}

/** Somewhere keys come from. A source offers a key only when its pinned algorithm is the token's `alg`. */
export interface KeySource {
  /** Rejects when the keys cannot be fetched. */
  keyFor(header: JwtHeader): Promise<PinnedKey | undefined>;
}

/**
 * The algorithm a public key is used with: `declared` (a JWK's `alg`) when it suits the key, the key
 * type's default when none is declared, else none.
 */
function pinAlgorithm(key: KeyObject, declared?: string): Algorithm | undefined {
  if (key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_MODULUS_BITS) {
    return undefined;
  }
  const keyType = key.asymmetricKeyType === 'ec' ? `ec:${key.asymmetricKeyDetails?.namedCurve}` : String(key.asymmetricKeyType);
  const allowed = ALGORITHMS_BY_KEY_TYPE[keyType];
  if (!allowed) return undefined;
  if (declared === undefined) return allowed[0];
  return allowed.find((algorithm) => algorithm === declared);
}

class StaticKeySource implements KeySource {
  constructor(private readonly pinned: PinnedKey) {}

  async keyFor(header: JwtHeader): Promise<PinnedKey | undefined> {
    return header.alg === this.pinned.algorithm ? this.pinned : undefined;
  }
}

/** HS256 with a shared secret: the only source a token declaring `HS256` can ever be checked against. */
export function secretKeySource(secret: string): KeySource {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`JWT secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  return new StaticKeySource({ algorithm: 'HS256', key: createSecretKey(Buffer.from(secret, 'utf8')) });
}

/** A PEM public key, its algorithm pinned from its type at start so a token cannot pick another. */
export function publicKeySource(pem: string): KeySource {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new Error('JWT public key is not a readable PEM public key');
  }
  const algorithm = pinAlgorithm(key);
  if (!algorithm || !PEM_ALGORITHMS.includes(algorithm)) {
    throw new Error(`JWT public key must be an RSA key of at least ${MIN_RSA_MODULUS_BITS} bits (RS256) or an EC P-256 key (ES256)`);
  }
  return new StaticKeySource({ algorithm, key });
}

/**
 * At most `max` key-set fetches per window; the rest are refused at once. jwks-rsa's own `rateLimit` is not
 * used because its limiter parks callers arriving in the same tick on timers instead of refusing them, so a
 * burst of unknown `kid`s would hold requests open for minutes.
 */
class FetchBudget {
  private windowStart = 0;
  private used = 0;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  take(now = Date.now()): boolean {
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
    if (this.used >= this.max) return false;
    this.used += 1;
    return true;
  }
}

/** An identity provider's JWKS: keys picked by `kid`, cached by jwks-rsa, fetched within a budget. */
export class JwksKeySource implements KeySource {
  private readonly client: JwksClient;
  private readonly budget = new FetchBudget(JWKS_REQUESTS_PER_MINUTE, 60_000);

  /** `onUnavailable` hears why a fetch of the key set failed, so an outage of the identity provider is told apart from bad tokens. */
  constructor(
    jwksUri: string,
    private readonly onUnavailable: (reason: string) => void = () => {},
  ) {
    this.client = new JwksClient({
      jwksUri,
      cache: true,
      cacheMaxAge: JWKS_CACHE_MAX_AGE_MS,
      cacheMaxEntries: JWKS_CACHE_MAX_ENTRIES,
      rateLimit: false,
      // Called only on a cache miss, so the budget counts fetches, never cached verifications.
      fetcher: (uri) => this.fetchKeySet(uri),
    });
  }

  async keyFor(header: JwtHeader): Promise<PinnedKey | undefined> {
    // Only asymmetric tokens naming a key go further: anything else must not cost a fetch.
    if (!ASYMMETRIC_ALGORITHMS.has(header.alg)) return undefined;
    if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > MAX_KID_LENGTH) {
      return undefined;
    }
    const signingKey = await this.client.getSigningKey(header.kid);
    const key = createPublicKey(signingKey.getPublicKey());
    const algorithm = pinAlgorithm(key, signingKey.alg);
    return algorithm === header.alg ? { algorithm, key } : undefined;
  }

  private async fetchKeySet(uri: string): Promise<{ keys: unknown }> {
    if (!this.budget.take()) throw new Error('JWKS fetch budget exhausted');
    try {
      const response = await fetch(uri, { signal: AbortSignal.timeout(JWKS_TIMEOUT_MS), redirect: 'error' });
      if (!response.ok) throw new Error(`JWKS endpoint answered HTTP ${response.status}`);
      return (await response.json()) as { keys: unknown };
    } catch (error) {
      // At most once per budgeted fetch, so an outage cannot flood the log.
      this.onUnavailable(describeFailure(error));
      throw error;
    }
  }
}

/** An error's message and its cause's ("fetch failed: connect ECONNREFUSED …"); fetch's errors may come from another realm. */
function describeFailure(error: unknown): string {
  const messageOf = (value: unknown) =>
    typeof value === 'object' && value !== null && typeof (value as Error).message === 'string' ? (value as Error).message : undefined;
  const message = messageOf(error) ?? String(error);
  const cause = messageOf((error as { cause?: unknown } | null)?.cause);
  return cause ? `${message}: ${cause}` : message;
}
