import type { JwtPayload } from 'jsonwebtoken';
import type { Identity } from './identity';
import { isRole, type Role } from './roles';

type Claims = Record<string, unknown>;

const isClaims = (value: unknown): value is Claims => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The claim at `path`: the whole string names a top-level claim when one exists (URL-style names such as
 * `https://wave.example.com/roles` contain dots), otherwise it is a dotted path like `realm_access.roles`.
 * Only a claim's own properties count, so `__proto__` or `constructor` lead nowhere.
 */
function claimAt(claims: Claims, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  let value: unknown = claims;
  for (const name of path.split('.')) {
    if (!isClaims(value) || !Object.hasOwn(value, name)) return undefined;
    value = value[name];
  }
  return value;
}

/** Known roles in an array claim; anything but an array grants none, unknown names are ignored. */
function rolesAt(claims: Claims, path: string): Role[] {
  const claimed = claimAt(claims, path);
  return Array.isArray(claimed) ? [...new Set(claimed.filter(isRole))] : [];
}

/**
 * The identity of a verified payload, or undefined when it lacks `exp` or `sub` (jsonwebtoken checks
 * `exp` only if present). It stays valid until `exp` plus the tolerance jsonwebtoken applied.
 */
export function identityFromClaims(payload: string | JwtPayload, rolesClaim: string, clockToleranceSeconds: number): Identity | undefined {
  if (!isClaims(payload)) return undefined;
  if (typeof payload.exp !== 'number') return undefined;
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) return undefined;
  return { sub: payload.sub, roles: rolesAt(payload, rolesClaim), validUntil: new Date((payload.exp + clockToleranceSeconds) * 1000) };
}
