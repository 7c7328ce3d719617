import jwt from 'jsonwebtoken';
import { TEST_SECRET, useTestApp } from '../helpers/app';

const CALLER = '{ caller { subject roles validUntil } }';
const BESIDE_A_NULLABLE_FIELD = '{ caller { subject } workflow(threadId: "wf-1") { threadId } }';

describe('Query.caller: who the token proves the caller to be', () => {
  const fixture = useTestApp({ JWT_CLOCK_TOLERANCE: '5' });

  it("gives the token's subject, its roles and the last moment it is accepted", async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 600;
    const token = jwt.sign({ sub: 'ops-alice', roles: ['viewer', 'operator'], exp: expiresAt }, TEST_SECRET, { algorithm: 'HS256' });
    const { body } = await fixture.app.request(CALLER, {}, token);
    expect(body.errors).toBeUndefined();
    expect(body.data?.caller).toEqual({
      subject: 'ops-alice',
      roles: ['VIEWER', 'OPERATOR'],
      validUntil: new Date((expiresAt + 5) * 1000).toISOString(),
    });
  });

  it('refuses an anonymous caller with UNAUTHENTICATED, and a token without roles with FORBIDDEN, costing only the field', async () => {
    const anonymous = await fixture.app.request(BESIDE_A_NULLABLE_FIELD);
    expect(anonymous.body.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    expect(anonymous.body.data).toEqual({ caller: null, workflow: null });
    const roleless = await fixture.app.request(BESIDE_A_NULLABLE_FIELD, {}, fixture.app.token([]));
    expect(roleless.body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect(roleless.body.data).toEqual({ caller: null, workflow: null });
  });
});
