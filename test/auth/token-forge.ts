import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { AuthConfig } from '../../src/config';

/** Signs and forges tokens the way an identity provider, or an attacker, would. */

export const ISSUER = 'https://id.wave.test';
export const AUDIENCE = 'wave-control';

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export const rsaKeyPair = (modulusLength = 2048): KeyPair => generateKeyPairSync('rsa', { modulusLength });
export const ecKeyPair = (namedCurve = 'P-256'): KeyPair => generateKeyPairSync('ec', { namedCurve });

export const publicPem = (key: KeyObject): string => key.export({ format: 'pem', type: 'spki' }).toString();

/** The public half as a JWK named `kid`, as a JWKS endpoint publishes it. */
export function publicJwk(key: KeyObject, kid: string, alg?: string): object {
  return { ...key.export({ format: 'jwk' }), kid, use: 'sig', ...(alg ? { alg } : {}) };
}

export const nowInSeconds = (): number => Math.floor(Date.now() / 1000);

/** Claims a correctly configured verifier accepts; override any of them, or leave one out with `undefined`. */
export function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = nowInSeconds();
  const all = { sub: 'alice', roles: ['operator'], iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 300, ...overrides };
  return Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined));
}

export interface Signer {
  algorithm: jwt.Algorithm;
  key: KeyObject | string;
  kid?: string;
}

export function sign(payload: object, { algorithm, key, kid }: Signer): string {
  return jwt.sign(payload, key, { algorithm, ...(kid ? { keyid: kid } : {}) });
}

const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned token: `alg: none` and an empty signature. */
export function unsignedToken(payload: object, kid?: string): string {
  return `${base64url({ alg: 'none', typ: 'JWT', kid })}.${base64url(payload)}.`;
}

/** Algorithm confusion: an HS256 token whose HMAC secret is a public key, which anyone can read. */
export function hmacSignedWithPublicKey(payload: object, publicKeyPem: string, kid?: string): string {
  const signingInput = `${base64url({ alg: 'HS256', typ: 'JWT', kid })}.${base64url(payload)}`;
  return `${signingInput}.${createHmac('sha256', publicKeyPem).update(signingInput).digest('base64url')}`;
}

export const bearer = (token: string): string => `Bearer ${token}`;

/** A verifier configuration with the defaults of src/config; pass the key sources under test. */
export function authConfig(overrides: Partial<AuthConfig>): AuthConfig {
  return { clockToleranceSeconds: 5, rolesClaim: 'roles', ...overrides };
}
