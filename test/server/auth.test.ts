import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { Client } from 'pg';
import { readDefinitionFiles } from '../../src/definitions';
import { MARKETPLACE_DIR } from '../support/marketplace';
import { startTestServer, type TestServer } from '../support/server';

/** Authentication and roles with NORTHSTAR_JWT_SECRET set (HS256), and API keys. */

const SECRET = 'test-secret-for-northstar-auth-0123456789';
const QUERY = `{ query(input: { metrics: ["bookings"], groupBy: ["listing__country"], where: ["{{ Dimension('listing__country') }} = 'us'"] }) { rows sql definitionVersion } }`;
const EXPLAIN = `{ explain(input: { metrics: ["bookings"], where: ["{{ Dimension('listing__country') }} = 'us'"] }) { columns plan sql parameters } }`;
const PUBLISH = `mutation Publish($input: PublishInput!) { publishDefinitions(input: $input) { created version { number author message } } }`;

async function token(claims: Record<string, unknown>, options: { secret?: string; expiresIn?: string | number; subject?: string | null; alg?: string } = {}) {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'HS256' }).setIssuedAt();
  if (options.subject !== null) jwt.setSubject(options.subject ?? 'alice');
  if (options.expiresIn !== undefined) jwt.setExpirationTime(options.expiresIn);
  return jwt.sign(new TextEncoder().encode(options.secret ?? SECRET));
}

const bearer = (jwt: string) => ({ authorization: `Bearer ${jwt}` });

describe('authentication with NORTHSTAR_JWT_SECRET', () => {
  let t: TestServer;
  let db: Client;

  beforeAll(async () => {
    t = await startTestServer({ NORTHSTAR_JWT_SECRET: SECRET });
    db = new Client({ connectionString: t.db.url });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  const expect401 = async (headers: Record<string, string>) => {
    const res = await t.gql(QUERY, {}, headers);
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(res.body.errors[0].message.length).toBeGreaterThan(0);
    return res;
  };

  it('is not in dev mode', () => {
    expect(t.server.devMode).toBe(false);
  });

  it('refuses a request without credentials with HTTP 401 UNAUTHENTICATED', async () => {
    await expect401({});
    // Not even the schema is open.
    const introspection = await t.gql('{ __schema { queryType { name } } }');
    expect(introspection.status).toBe(401);
    // The health endpoints and the GraphiQL page stay open.
    expect((await t.http.get('/healthz')).status).toBe(200);
    expect((await t.http.get('/readyz')).status).toBe(200);
    expect((await t.http.get('/graphql').set('accept', 'text/html')).status).toBe(200);
  });

  it('accepts a valid HS256 token: an admin sees the SQL and can publish as itself', async () => {
    const admin = await token({ roles: ['admin'] }, { expiresIn: '5m', subject: 'alice' });
    const res = await t.gql(QUERY, {}, bearer(admin));
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.query.rows).toEqual([{ listing__country: 'us', bookings: 218 }]);
    expect(res.body.data.query.sql).toMatch(/\bSELECT\b/);

    const explained = await t.gql(EXPLAIN, {}, bearer(admin));
    expect(explained.body.data.explain.sql).toMatch(/\bSELECT\b/);
    expect(explained.body.data.explain.parameters).toContain('us');

    const files = await readDefinitionFiles(join(MARKETPLACE_DIR, 'models'));
    files.push({ path: 'extra.yml', content: 'metrics:\n  - name: bookings_again\n    type: simple\n    type_params:\n      measure: bookings\n' });
    const published = await t.gql(PUBLISH, { input: { files, message: 'by alice' } }, bearer(admin));
    expect(published.body.errors).toBeUndefined();
    expect(published.body.data.publishDefinitions).toEqual({ created: true, version: { number: 2, author: 'alice', message: 'by alice' } });
  });

  it('a token with the role in `role` and the scheme in lower case works too', async () => {
    const analyst = await token({ role: 'analyst' }, { subject: 'ann' });
    const res = await t.gql(QUERY, {}, { authorization: `bearer ${analyst}` });
    expect(res.status).toBe(200);
    expect(res.body.data.query.sql).toMatch(/\bSELECT\b/);
  });

  it('a viewer queries without seeing SQL, and cannot publish (FORBIDDEN)', async () => {
    const viewer = await token({ roles: ['viewer'] }, { expiresIn: '5m', subject: 'victor' });
    const res = await t.gql(QUERY, {}, bearer(viewer));
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.query).toEqual({ rows: [{ listing__country: 'us', bookings: 218 }], sql: null, definitionVersion: 2 });

    const explained = await t.gql(EXPLAIN, {}, bearer(viewer));
    expect(explained.body.errors).toBeUndefined();
    expect(explained.body.data.explain.sql).toBeNull();
    expect(explained.body.data.explain.parameters).toBeNull();

    const files = await readDefinitionFiles(join(MARKETPLACE_DIR, 'models'));
    const refused = await t.gql(PUBLISH, { input: { files, message: 'by victor' } }, bearer(viewer));
    expect(refused.body.data).toBeNull();
    expect(refused.body.errors).toHaveLength(1);
    expect(refused.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const versions = await t.gql('{ definitionVersions { number author } }', {}, bearer(viewer));
    expect(versions.body.data.definitionVersions).toEqual([
      { number: 2, author: 'alice' },
      { number: 1, author: 'test' },
    ]);

    // No roles at all: same as a viewer.
    const nobody = await token({}, { subject: 'nobody' });
    const plain = await t.gql(QUERY, {}, bearer(nobody));
    expect(plain.body.data.query.sql).toBeNull();
    const refusedToo = await t.gql(PUBLISH, { input: { files } }, bearer(nobody));
    expect(refusedToo.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('refuses expired, wrongly signed, subject-less, unsigned and malformed tokens with 401', async () => {
    await expect401(bearer(await token({ roles: ['admin'] }, { expiresIn: Math.floor(Date.now() / 1000) - 60 })));
    await expect401(bearer(await token({ roles: ['admin'] }, { secret: 'another-secret-of-the-same-length-0123456' })));
    await expect401(bearer(await token({ roles: ['admin'] }, { subject: null })));
    await expect401(bearer(await token({ roles: ['admin'] }, { alg: 'HS512' })));
    const payload = (await token({ roles: ['admin'] })).split('.')[1];
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    await expect401(bearer(unsigned));
    await expect401(bearer('not-a-jwt'));
    await expect401({ authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` });
    await expect401({ authorization: 'Bearer' });
    const res = await expect401(bearer(await token({ roles: ['admin'] }, { secret: 'wrong' })));
    // The reason stays generic and nothing of the secret or the verification internals shows.
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
    expect(JSON.stringify(res.body)).not.toMatch(/\n\s+at\s/);
  });

  it('accepts an API key stored as its sha256, and refuses unknown and revoked keys', async () => {
    const key = 'nsk_live_4f7c2a9e1b3d5f60';
    const revoked = 'nsk_live_revoked_000000';
    const hash = (k: string) => createHash('sha256').update(k).digest('hex');
    await db.query(
      `INSERT INTO northstar.api_key (name, prefix, key_hash, subject, roles, attributes, created_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, '{}', now(), NULL), ($6, $7, $8, $9, $10, '{}', now(), now())`,
      ['ci publisher', key.slice(0, 8), hash(key), 'ci-bot', JSON.stringify(['publisher']), 'old', revoked.slice(0, 8), hash(revoked), 'old-bot', JSON.stringify(['admin'])],
    );

    const res = await t.gql(QUERY, {}, { 'x-api-key': key });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.query.sql).toMatch(/\bSELECT\b/);

    const files = await readDefinitionFiles(join(MARKETPLACE_DIR, 'models'));
    const published = await t.gql(PUBLISH, { input: { files, message: 'by the bot' } }, { 'X-API-Key': key });
    expect(published.body.errors).toBeUndefined();
    expect(published.body.data.publishDefinitions).toEqual({ created: true, version: { number: 3, author: 'ci-bot', message: 'by the bot' } });

    await expect401({ 'x-api-key': revoked });
    await expect401({ 'x-api-key': 'nsk_live_unknown' });
    await expect401({ 'x-api-key': hash(key) }); // the stored hash is not a key
    // An unknown API key is refused even next to a valid token.
    await expect401({ 'x-api-key': 'nsk_live_unknown', ...bearer(await token({ roles: ['admin'] })) });
  });
});

describe('dev mode (no secret)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('acts as the built-in admin, whatever credentials come along', async () => {
    expect(t.server.devMode).toBe(true);
    const res = await t.gql(QUERY, {}, { authorization: 'Bearer garbage' });
    expect(res.status).toBe(200);
    expect(res.body.data.query.sql).toMatch(/\bSELECT\b/);
  });
});
