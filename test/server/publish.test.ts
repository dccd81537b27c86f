import { readDefinitionFiles } from '../../src/definitions';
import { MARKETPLACE_DIR } from '../support/marketplace';
import { startTestServer, type TestServer } from '../support/server';
import { join } from 'node:path';

const PUBLISH = `mutation Publish($input: PublishInput!) {
  publishDefinitions(input: $input) { created version { number hash author message createdAt parentNumber } changes { kind name changeType fields { path before after } } }
}`;

describe('publishing over GraphQL', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({}, { publish: false });
  });
  afterAll(() => t.close());

  it('publishes a realistic project, then refuses broken variants with exact positions, storing nothing', async () => {
    const files = await readDefinitionFiles(join(MARKETPLACE_DIR, 'models'));
    const first = await t.gql(PUBLISH, { input: { files, message: 'marketplace' } });
    expect(first.status).toBe(200);
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.publishDefinitions).toMatchObject({
      created: true,
      version: { number: 1, author: 'dev-admin', message: 'marketplace', parentNumber: null },
    });

    const broken = (path: string, edit: (text: string) => string) =>
      files.map((f) => (f.path === path ? { ...f, content: edit(f.content) } : f));
    const cases: Array<[string, ReturnType<typeof broken>, string]> = [
      [
        'a broken reference',
        broken('bookings.yml', (s) => s.replace(/measure: instant_bookings\b/, 'measure: instant_bookngs')),
        "bookings.yml:",
      ],
      ['a YAML syntax error', broken('users.yml', (s) => s.replace('semantic_models:', 'semantic_models:\n  - name: [unclosed')), 'users.yml:'],
    ];
    for (const [what, input, file] of cases) {
      const res = await t.gql(PUBLISH, { input: { files: input } });
      expect(res.body.errors?.[0]?.extensions?.code).toBe('INVALID_DEFINITIONS');
      const issues = res.body.errors[0].extensions.issues as Array<{ file: string; line: number; column: number; message: string }>;
      expect(issues.length).toBeGreaterThan(0);
      expect(`${issues[0]!.file}:`).toBe(file);
      expect(issues[0]!.line).toBeGreaterThan(0);
      void what;
    }
    const versions = await t.gql('{ definitionVersions { number } }');
    expect(versions.body.data.definitionVersions).toEqual([{ number: 1 }]);
  });

  it('answers a metric query on what was published', async () => {
    const res = await t.gql(`{ query(input: { metrics: ["bookings"], groupBy: ["listing__country"], orderBy: ["-bookings"], limit: 2 }) {
      columns { name type } rows sql cacheHit definitionVersion } }`);
    expect(res.body.errors).toBeUndefined();
    const q = res.body.data.query;
    expect(q.columns).toEqual([
      { name: 'listing__country', type: 'STRING' },
      { name: 'bookings', type: 'INTEGER' },
    ]);
    expect(q.rows).toEqual([
      { listing__country: 'us', bookings: 218 },
      { listing__country: 'ca', bookings: 108 },
    ]);
    expect(q.definitionVersion).toBe(1);
    expect(q.sql).toContain('SELECT');
  });
});
