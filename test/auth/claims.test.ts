import { identityFromClaims } from '../../src/auth/claims';

/** The roles a verified payload with these claims grants when JWT_ROLES_CLAIM is `path` (its prototype kept). */
function rolesAt(claims: Record<string, unknown>, path: string) {
  return identityFromClaims(Object.assign(claims, { sub: 'user-1', exp: 1_767_225_600 }), path, 0)!.roles;
}

describe('where the roles claim is read', () => {
  it('reads a top-level claim by name', () => {
    expect(rolesAt({ roles: ['admin'] }, 'roles')).toEqual(['admin']);
  });

  it('follows a dotted path into nested claims', () => {
    expect(rolesAt({ realm_access: { roles: ['viewer'] } }, 'realm_access.roles')).toEqual(['viewer']);
  });

  it('takes a URL-style name containing dots and slashes as one claim when it exists at the top level', () => {
    const claims = { 'https://wave.example.com/roles': ['operator'], https: { '//wave': 'decoy' } };
    expect(rolesAt(claims, 'https://wave.example.com/roles')).toEqual(['operator']);
  });

  it('finds nothing when a step of the path is missing or not an object', () => {
    expect(rolesAt({ realm_access: 'roles' }, 'realm_access.roles')).toEqual([]);
    expect(rolesAt({ realm_access: [['admin']] }, 'realm_access.0')).toEqual([]);
    expect(rolesAt({}, 'realm_access.roles')).toEqual([]);
  });

  it("reads only the token's own claims, never inherited ones such as __proto__ or constructor", () => {
    expect(rolesAt({}, '__proto__')).toEqual([]);
    expect(rolesAt({}, 'constructor.name')).toEqual([]);
    expect(rolesAt(Object.create({ roles: ['admin'] }) as Record<string, unknown>, 'roles')).toEqual([]);
    expect(rolesAt(JSON.parse('{"__proto__": {"roles": ["admin"]}}'), '__proto__.roles')).toEqual(['admin']);
  });
});

describe('the roles a claim grants', () => {
  it('keeps the known roles of an array claim, once each', () => {
    expect(rolesAt({ roles: ['viewer', 'root', 'viewer', 'operator'] }, 'roles')).toEqual(['viewer', 'operator']);
  });

  it.each([
    ['a string', 'admin'],
    ['an object', { admin: true }],
    ['a number', 1],
    ['null', null],
  ])('grants no role when the claim is %s rather than an array', (_case, value) => {
    expect(rolesAt({ roles: value }, 'roles')).toEqual([]);
  });
});
