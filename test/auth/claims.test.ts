import { claimAt, rolesAt } from '../../src/auth/claims';

describe('claimAt', () => {
  it('reads a top-level claim by name', () => {
    expect(claimAt({ roles: ['admin'] }, 'roles')).toEqual(['admin']);
  });

  it('follows a dotted path into nested claims', () => {
    expect(claimAt({ realm_access: { roles: ['viewer'] } }, 'realm_access.roles')).toEqual(['viewer']);
  });

  it('takes a URL-style name containing dots and slashes as one claim when it exists at the top level', () => {
    const claims = { 'https://wave.example.com/roles': ['operator'], https: { '//wave': 'decoy' } };
    expect(claimAt(claims, 'https://wave.example.com/roles')).toEqual(['operator']);
  });

  it('finds nothing when a step of the path is missing or not an object', () => {
    expect(claimAt({ realm_access: 'roles' }, 'realm_access.roles')).toBeUndefined();
    expect(claimAt({ realm_access: ['roles'] }, 'realm_access.0')).toBeUndefined();
    expect(claimAt({}, 'realm_access.roles')).toBeUndefined();
  });

  it("reads only the token's own claims, never inherited ones such as __proto__ or constructor", () => {
    expect(claimAt({}, '__proto__')).toBeUndefined();
    expect(claimAt({}, 'constructor.name')).toBeUndefined();
    expect(claimAt(JSON.parse('{"__proto__": {"roles": ["admin"]}}'), '__proto__.roles')).toEqual(['admin']);
  });
});

describe('rolesAt', () => {
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
