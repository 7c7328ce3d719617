import type { Express, Request } from 'express';
import type { TestApp } from '../helpers/app';
import { useTestApps } from '../helpers/app';
import { send } from './support';

/**
 * The address the rate limit counts an anonymous caller by is express's `req.ip`. No GraphQL field
 * lets an anonymous caller reach @rateLimit (@auth refuses first), so the test reads `req.ip` the
 * way the server's context does, from a route added to the server's own express app.
 */
function whoAmI(app: TestApp): string {
  const express = app.app.httpServer.listeners('request')[0] as Express;
  express.get('/test/ip', (req: Request, res) => {
    res.json({ ip: req.ip });
  });
  return app.url.replace(/\/graphql$/, '/test/ip');
}

const ipSeen = async (url: string, forwardedFor: string): Promise<string> =>
  (await send(url, { headers: { 'x-forwarded-for': forwardedFor } })).json.ip;

describe('the client address behind TRUST_PROXY', () => {
  const fixture = useTestApps({ direct: {}, behindOneProxy: { TRUST_PROXY: '1' } });

  it('ignores a forged X-Forwarded-For by default: every forged address is the one peer address', async () => {
    const url = whoAmI(fixture.apps.direct);
    const first = await ipSeen(url, '203.0.113.7');
    const second = await ipSeen(url, '198.51.100.9');
    expect(first).toBe(second);
    expect(first).toMatch(/127\.0\.0\.1|::1/);
  });

  it('believes the address the configured proxy forwarded', async () => {
    const url = whoAmI(fixture.apps.behindOneProxy);
    expect(await ipSeen(url, '203.0.113.7')).toBe('203.0.113.7');
    expect(await ipSeen(url, '10.9.9.9, 198.51.100.9')).toBe('198.51.100.9');
  });
});
