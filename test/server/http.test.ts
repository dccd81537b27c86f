import { startTestServer, type TestServer } from '../support/server';

/** The HTTP surface around GraphQL: health, readiness, the local GraphiQL, body errors and limits. */

describe('HTTP surface', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('GET /healthz answers ok', async () => {
    const res = await t.http.get('/healthz');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('GET /readyz answers ready with the definition version', async () => {
    const res = await t.http.get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', definitionVersion: 1 });
  });

  it('GET /graphql from a browser is the GraphiQL page, served from local assets only', async () => {
    const res = await t.http.get('/graphql').set('accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const page = res.text;
    expect(page).toContain('GraphiQL');
    const refs = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThanOrEqual(4);
    for (const ref of refs) expect(ref).toMatch(/^\/graphiql\/assets\/[\w.-]+$/);
    // No CDN or other external URL anywhere in the page.
    expect(page).not.toMatch(/https?:\/\//);
    expect(page).not.toMatch(/(?:src|href)="\/\//);

    const assets = refs.filter((r) => r.startsWith('/graphiql/assets/'));
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      const file = await t.http.get(asset).buffer(true).parse((r, done) => {
        let size = 0;
        r.on('data', (chunk: Buffer) => (size += chunk.length));
        r.on('end', () => done(null, size));
      });
      expect([asset, file.status]).toEqual([asset, 200]);
      if (asset.endsWith('.js')) expect(file.headers['content-type']).toMatch(/^(application|text)\/javascript/);
      else expect(file.headers['content-type']).toMatch(/^text\/css/);
      expect(file.body as unknown as number).toBeGreaterThan(1000);
    }
    // The stylesheet loads no fonts or images from elsewhere.
    for (const css of assets.filter((a) => a.endsWith('.css'))) {
      const text = (await t.http.get(css).buffer(true)).text;
      expect(text).not.toMatch(/url\(\s*['"]?(https?:)?\/\//);
      expect(text).not.toMatch(/@import\s/);
    }
  });

  it('GraphiQL assets: unknown names are 404 and nothing outside the asset list is reachable', async () => {
    expect((await t.http.get('/graphiql/assets/nope.js')).status).toBe(404);
    expect((await t.http.get('/graphiql/assets/..%2F..%2Fpackage.json')).status).toBe(404);
    expect((await t.http.get('/graphiql/assets/%2E%2E%2Fpackage.json')).status).toBe(404);
  });

  it('GET /graphql from a JSON client is not the page', async () => {
    const res = await t.http.get('/graphql').set('accept', 'application/json');
    expect(res.headers['content-type'] ?? '').not.toMatch(/text\/html/);
  });

  it('POST /graphql answers a trivial query', async () => {
    const res = await t.gql('{ __typename }');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('a malformed JSON body is 400 BAD_REQUEST as JSON', async () => {
    const res = await t.http.post('/graphql').set('content-type', 'application/json').send('{"query": "{ __typename }",');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'BAD_REQUEST' } }] });
    expect(res.body.errors[0].message).not.toMatch(/\n\s+at\s/);
  });

  it('a body over 2 MB is 413', async () => {
    const big = JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(2 * 1024 * 1024 + 10) } });
    const res = await t.http.post('/graphql').set('content-type', 'application/json').send(big);
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });

    // Just under the limit is fine (a large definition set must fit).
    const fits = JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(2 * 1024 * 1024 - 200) } });
    const ok = await t.http.post('/graphql').set('content-type', 'application/json').send(fits);
    expect(ok.status).toBe(200);
    expect(ok.body.data).toEqual({ __typename: 'Query' });
  });

  it('a request without a query is a client error, not an internal one', async () => {
    const res = await t.http.post('/graphql').set('content-type', 'application/json').send({ variables: {} });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toContain('INTERNAL');
  });

  it('the server can serve while definitions are not published yet', async () => {
    const empty = await startTestServer({}, { publish: false });
    try {
      const ready = await empty.http.get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({ status: 'ready', definitionVersion: null });
      const q = await empty.gql('{ query(input: { metrics: ["bookings"] }) { rows } }');
      expect(q.body.errors[0].extensions.code).toBe('NO_DEFINITIONS');
      const versions = await empty.gql('{ definitionVersions { number } }');
      expect(versions.body).toEqual({ data: { definitionVersions: [] } });
    } finally {
      await empty.close();
    }
  });
});

describe('HTTP surface with the warehouse down', () => {
  let t: TestServer;
  beforeAll(async () => {
    // Nothing listens on port 9: every warehouse connection is refused.
    t = await startTestServer({ WAREHOUSE_URL: 'postgres://nobody:secret-password@127.0.0.1:9/warehouse' });
  });
  afterAll(() => t.close());

  it('is alive but not ready', async () => {
    expect((await t.http.get('/healthz')).status).toBe(200);
    const ready = await t.http.get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'unavailable' });
  });

  it('definitions still work: they do not need the warehouse', async () => {
    const versions = await t.gql('{ definitionVersions { number } }');
    expect(versions.body).toEqual({ data: { definitionVersions: [{ number: 1 }] } });
  });

  it('queries fail as WAREHOUSE_UNAVAILABLE', async () => {
    const res = await t.gql('{ query(input: { metrics: ["bookings"] }) { rows } }');
    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0].extensions.code).toBe('WAREHOUSE_UNAVAILABLE');
    expect(res.body.errors[0].message).toBe('the warehouse cannot be reached; try again shortly');
  });

  it('the client learns nothing about where the warehouse is or how it is reached', async () => {
    const res = await t.gql('{ query(input: { metrics: ["bookings"] }) { rows } }');
    expect(res.body.errors[0].extensions.code).toBe('WAREHOUSE_UNAVAILABLE');
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('secret-password');
    expect(text).not.toContain('nobody');
    // The warehouse's address is internal infrastructure, like the SQL.
    expect(text).not.toContain('127.0.0.1:9');
  });
});
