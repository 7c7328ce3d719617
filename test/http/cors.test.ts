import { useTestApps } from '../helpers/app';
import { send } from './support';

const DASHBOARD = 'https://dash.example.com';
const FOREIGN = 'https://evil.example.net';

const preflight = (url: string, origin: string) =>
  send(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
  });

const post = (url: string, origin: string) =>
  send(url, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });

const accessControlHeaders = (headers: Headers) => [...headers.keys()].filter((name) => name.startsWith('access-control-'));

describe('CORS on /graphql', () => {
  const fixture = useTestApps({
    withoutCredentials: { CORS_ORIGINS: `${DASHBOARD}, https://ops.example.com` },
    withCredentials: { CORS_ORIGINS: DASHBOARD, CORS_CREDENTIALS: 'true' },
    noOrigins: {},
  });

  it('grants a preflight from an allowed origin that origin, the methods and headers, without credentials', async () => {
    const response = await preflight(fixture.apps.withoutCredentials.url, DASHBOARD);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET,POST');
    expect(response.headers.get('access-control-allow-headers')).toMatch(/content-type,authorization/);
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toMatch(/Origin/);
  });

  it('grants nothing to a preflight from a foreign origin', async () => {
    const response = await preflight(fixture.apps.withCredentials.url, FOREIGN);
    expect(response.status).toBe(204);
    expect(accessControlHeaders(response.headers)).toEqual([]);
    expect(response.headers.get('vary')).toMatch(/Origin/);
  });

  it('grants credentials to an allowed origin only when CORS_CREDENTIALS is true', async () => {
    const allowed = await preflight(fixture.apps.withCredentials.url, DASHBOARD);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('marks a real request from an allowed origin readable and one from a foreign origin not', async () => {
    const allowed = await post(fixture.apps.withoutCredentials.url, 'https://ops.example.com');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://ops.example.com');
    const foreign = await post(fixture.apps.withoutCredentials.url, FOREIGN);
    expect(accessControlHeaders(foreign.headers)).toEqual([]);
  });

  it('grants no origin at all when CORS_ORIGINS is empty', async () => {
    const response = await preflight(fixture.apps.noOrigins.url, DASHBOARD);
    expect(accessControlHeaders(response.headers)).toEqual([]);
  });
});
