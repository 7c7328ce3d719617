/** Roles in increasing power: admin ⊇ operator ⊇ viewer. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** True when any of `granted` is at least `required`. */
export function hasRole(granted: readonly Role[], required: Role): boolean {
  const needed = ROLES.indexOf(required);
  return granted.some((role) => ROLES.indexOf(role) >= needed);
}
