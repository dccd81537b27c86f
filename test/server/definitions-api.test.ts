import { join } from 'node:path';
import { Client } from 'pg';
import { readDefinitionFiles, type SourceFile } from '../../src/definitions';
import { MARKETPLACE_DIR } from '../support/marketplace';
import { startTestServer, type TestServer } from '../support/server';

/**
 * The definitions half of the GraphQL API, through the real HTTP server: validate, publish
 * (idempotence, optimistic concurrency, variables), the version history, diffs and the
 * per-metric history. Every expectation below is written by hand from the fixture files.
 */

const VALIDATE = `query Validate($input: ValidateInput!) {
  validateDefinitions(input: $input) {
    valid
    errors { code file line column message }
    semanticModels metrics savedQueries
    changes { kind name changeType fields { path before after } }
  }
}`;

const PUBLISH = `mutation Publish($input: PublishInput!) {
  publishDefinitions(input: $input) {
    created
    version { number hash parentNumber author message createdAt summary { semanticModels metrics savedQueries added removed changed } }
    changes { kind name changeType fields { path before after } }
  }
}`;

const VERSIONS = `query Versions($limit: Int, $before: Int) {
  definitionVersions(limit: $limit, before: $before) { number parentNumber author message }
}`;

const VERSION = `query Version($number: Int!) {
  definitionVersion(number: $number) {
    number hash parentNumber author message createdAt
    summary { semanticModels metrics savedQueries added removed changed }
  }
}`;

const DIFF = `query Diff($from: Int!, $to: Int!) {
  diff(from: $from, to: $to) { from to changes { kind name changeType fields { path before after } } }
}`;

const METRIC = `query Metric($name: String!, $version: Int) {
  metric(name: $name, version: $version) {
    name label description type filter owner layer tier unit parentMetric version lastChangedIn
    history { version changeType fields { path before after } author message createdAt }
  }
}`;

const COUNT_BOOKINGS = `{ query(input: { metrics: ["bookings"] }) { rows definitionVersion sql } }`;

/** The marketplace files with one file's text edited; the edit must change something. */
function edit(files: readonly SourceFile[], path: string, change: (text: string) => string): SourceFile[] {
  let found = false;
  const out = files.map((f) => {
    if (f.path !== path) return f;
    found = true;
    const content = change(f.content);
    if (content === f.content) throw new Error(`the edit of ${path} changed nothing`);
    return { ...f, content };
  });
  if (!found) throw new Error(`no file ${path}`);
  return out;
}

/** 1-based line and column of the first occurrence of `needle` in `text` (what an editor shows). */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`'${needle}' is not in the text`);
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const column = at - before.lastIndexOf('\n');
  return { line, column };
}

const LUX_FILE: SourceFile = {
  path: 'extra/lux.yml',
  content: `metrics:
  - name: lux_bookings
    label: Luxury bookings
    type: simple
    type_params:
      measure: bookings
    filter: "{{ Dimension('listing__is_lux') }} = true"
`,
};

describe('definitions over GraphQL', () => {
  let t: TestServer;
  let base: SourceFile[];
  /** v2: bookings described differently, listings.is_large redefined, buy_value removed, lux_bookings added. */
  let v2: SourceFile[];
  /** v3: v2 with the bookings metric moved to tier platinum. */
  let v3: SourceFile[];

  beforeAll(async () => {
    t = await startTestServer({}, { publish: false });
    base = await readDefinitionFiles(join(MARKETPLACE_DIR, 'models'));
    v2 = [
      ...edit(
        edit(
          edit(base, 'bookings.yml', (s) =>
            s.replace('label: Bookings\n    description: Number of bookings.\n', 'label: Bookings\n    description: Number of bookings, all channels.\n'),
          ),
          'listings.yml',
          (s) => s.replace('expr: capacity >= 6', 'expr: capacity >= 8'),
        ),
        'funnel.yml',
        (s) => s.replace(/ {2}- name: buy_value\n {4}label: Buy value\n(?: {4,}.*\n)+?(?=\n)/, ''),
      ),
      LUX_FILE,
    ];
    v3 = edit(v2, 'bookings.yml', (s) =>
      s.replace('owner: growth-analytics\n        layer: core\n        tier: gold\n        unit: bookings', 'owner: growth-analytics\n        layer: core\n        tier: platinum\n        unit: bookings'),
    );
  });
  afterAll(() => t.close());

  const versionNumbers = async (variables: Record<string, unknown> = {}) => {
    const res = await t.gql(VERSIONS, variables);
    expect(res.body.errors).toBeUndefined();
    return (res.body.data.definitionVersions as Array<{ number: number }>).map((v) => v.number);
  };

  it('validates a correct set against an empty store: counts, and every object as added', async () => {
    const res = await t.gql(VALIDATE, { input: { files: base } });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const v = res.body.data.validateDefinitions;
    expect(v.valid).toBe(true);
    expect(v.errors).toEqual([]);
    // 8 semantic models, 56 metrics and 2 saved queries, counted by hand in the fixture files.
    expect({ semanticModels: v.semanticModels, metrics: v.metrics, savedQueries: v.savedQueries }).toEqual({ semanticModels: 8, metrics: 56, savedQueries: 2 });
    expect(v.changes.every((c: { changeType: string }) => c.changeType === 'added')).toBe(true);
    const models = v.changes.filter((c: { kind: string }) => c.kind === 'semantic_model').map((c: { name: string }) => c.name);
    expect(models).toEqual(['account_balances', 'bookings', 'buys', 'companies', 'listing_history', 'listings', 'users', 'visits']);
    expect(v.changes.filter((c: { kind: string }) => c.kind === 'metric')).toHaveLength(56);
    expect(v.changes.filter((c: { kind: string }) => c.kind === 'saved_query').map((c: { name: string }) => c.name)).toEqual([
      'monthly_bookings_by_country',
      'weekly_funnel_by_home_state',
    ]);
    // Validation stores nothing.
    expect(await versionNumbers()).toEqual([]);
  });

  it('publishes version 1 through the mutation', async () => {
    const res = await t.gql(PUBLISH, { input: { files: base, message: 'v1' } });
    expect(res.body.errors).toBeUndefined();
    const p = res.body.data.publishDefinitions;
    expect(p.created).toBe(true);
    expect(p.version).toMatchObject({
      number: 1,
      parentNumber: null,
      author: 'dev-admin',
      message: 'v1',
      summary: { semanticModels: 8, metrics: 56, savedQueries: 2, added: 8 + 56 + 2 + 1, removed: 0, changed: 0 },
    });
    expect(p.version.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Number.isNaN(Date.parse(p.version.createdAt))).toBe(false);
    expect(p.changes).toHaveLength(8 + 56 + 2 + 1); // + the time spine
    expect(p.changes).toContainEqual({ kind: 'time_spine', name: expect.any(String), changeType: 'added', fields: [] });
  });

  it('validates a changed set against the head: added, removed and changed objects with field paths', async () => {
    const res = await t.gql(VALIDATE, { input: { files: v2 } });
    expect(res.body.errors).toBeUndefined();
    const v = res.body.data.validateDefinitions;
    expect(v).toMatchObject({ valid: true, errors: [], semanticModels: 8, metrics: 56, savedQueries: 2 });
    expect(v.changes).toEqual([
      {
        kind: 'semantic_model',
        name: 'listings',
        changeType: 'changed',
        fields: [{ path: 'dimensions[is_large].expr', before: 'capacity >= 6', after: 'capacity >= 8' }],
      },
      {
        kind: 'metric',
        name: 'bookings',
        changeType: 'changed',
        fields: [{ path: 'description', before: 'Number of bookings.', after: 'Number of bookings, all channels.' }],
      },
      { kind: 'metric', name: 'buy_value', changeType: 'removed', fields: [] },
      { kind: 'metric', name: 'lux_bookings', changeType: 'added', fields: [] },
    ]);
    expect(await versionNumbers()).toEqual([1]);
  });

  it('reports every problem of a broken set with file, line, column and code, and stores nothing', async () => {
    const broken = edit(
      edit(
        base,
        'bookings.yml',
        (s) =>
          s
            // a misspelt measure reference in metric instant_bookings
            .replace('type_params:\n      measure: instant_bookings\n', 'type_params:\n      measure: instant_bookngs\n')
            // a misspelt key in metric bookings
            .replace('  - name: bookings\n    label: Bookings\n', '  - name: bookings\n    lable: Bookings\n'),
      ),
      'users.yml',
      // a YAML error: the same key twice in one mapping
      (s) => s.replace('  - name: users\n', '  - name: users\n    name: people\n'),
    );
    const bookings = broken.find((f) => f.path === 'bookings.yml')!.content;
    const users = broken.find((f) => f.path === 'users.yml')!.content;
    const typo = positionOf(bookings, 'instant_bookngs');
    const lable = positionOf(bookings, 'lable: Bookings');
    const dup = positionOf(users, 'name: people');

    const res = await t.gql(VALIDATE, { input: { files: broken } });
    expect(res.body.errors).toBeUndefined();
    const v = res.body.data.validateDefinitions;
    expect(v.valid).toBe(false);
    expect({ semanticModels: v.semanticModels, metrics: v.metrics, savedQueries: v.savedQueries, changes: v.changes }).toEqual({
      semanticModels: 0,
      metrics: 0,
      savedQueries: 0,
      changes: [],
    });
    const errors = v.errors as Array<{ code: string; file: string; line: number; column: number; message: string }>;
    for (const e of errors) {
      expect(e.line).toBeGreaterThan(0);
      expect(e.column).toBeGreaterThan(0);
      expect(e.message.length).toBeGreaterThan(0);
    }
    expect(errors).toContainEqual({ ...lable, file: 'bookings.yml', code: 'UNKNOWN_FIELD', message: expect.stringContaining("Did you mean 'label'?") });
    expect(errors).toContainEqual({
      ...typo,
      file: 'bookings.yml',
      code: 'UNKNOWN_REFERENCE',
      message: expect.stringMatching(/instant_bookngs.*Did you mean 'instant_bookings'\?/),
    });
    expect(errors).toContainEqual({ ...dup, file: 'users.yml', code: 'YAML_SYNTAX', message: expect.stringContaining('unique') });
    // Sorted by file, then position.
    const order = errors.map((e) => [e.file, e.line, e.column] as const);
    const sorted = [...order].sort((a, b) => a[0].localeCompare(b[0]) || a[1] - b[1] || a[2] - b[2]);
    expect(order).toEqual(sorted);

    // Publishing the same files fails with the same problems, and writes nothing.
    const published = await t.gql(PUBLISH, { input: { files: broken, message: 'broken' } });
    expect(published.body.data).toBeNull();
    expect(published.body.errors).toHaveLength(1);
    expect(published.body.errors[0].extensions.code).toBe('INVALID_DEFINITIONS');
    expect(published.body.errors[0].extensions.issues).toEqual(errors);
    expect(await versionNumbers()).toEqual([1]);
    const q = await t.gql(COUNT_BOOKINGS);
    expect(q.body.data.query.definitionVersion).toBe(1);
  });

  it('publishes v2 and v3, each against its parent', async () => {
    const second = await t.gql(PUBLISH, { input: { files: v2, message: 'v2' } });
    expect(second.body.errors).toBeUndefined();
    expect(second.body.data.publishDefinitions).toMatchObject({
      created: true,
      version: { number: 2, parentNumber: 1, message: 'v2', summary: { semanticModels: 8, metrics: 56, savedQueries: 2, added: 1, removed: 1, changed: 2 } },
    });
    expect(second.body.data.publishDefinitions.changes.map((c: { name: string; changeType: string }) => `${c.changeType} ${c.name}`)).toEqual([
      'changed listings',
      'changed bookings',
      'removed buy_value',
      'added lux_bookings',
    ]);

    const third = await t.gql(PUBLISH, { input: { files: v3, message: 'v3' } });
    expect(third.body.errors).toBeUndefined();
    expect(third.body.data.publishDefinitions).toMatchObject({
      created: true,
      version: { number: 3, parentNumber: 2, message: 'v3', summary: { added: 0, removed: 0, changed: 1 } },
      changes: [{ kind: 'metric', name: 'bookings', changeType: 'changed', fields: [{ path: 'meta.tier', before: 'gold', after: 'platinum' }] }],
    });
  });

  it('lists versions newest first, with limit and before', async () => {
    expect(await versionNumbers()).toEqual([3, 2, 1]);
    expect(await versionNumbers({ limit: 2 })).toEqual([3, 2]);
    expect(await versionNumbers({ before: 3 })).toEqual([2, 1]);
    expect(await versionNumbers({ before: 3, limit: 1 })).toEqual([2]);
    expect(await versionNumbers({ before: 1 })).toEqual([]);
    const res = await t.gql(VERSIONS);
    expect(res.body.data.definitionVersions).toEqual([
      { number: 3, parentNumber: 2, author: 'dev-admin', message: 'v3' },
      { number: 2, parentNumber: 1, author: 'dev-admin', message: 'v2' },
      { number: 1, parentNumber: null, author: 'dev-admin', message: 'v1' },
    ]);
  });

  it('reads one version by number, and null for a version that does not exist', async () => {
    const res = await t.gql(VERSION, { number: 2 });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.definitionVersion).toMatchObject({
      number: 2,
      parentNumber: 1,
      author: 'dev-admin',
      message: 'v2',
      summary: { semanticModels: 8, metrics: 56, savedQueries: 2, added: 1, removed: 1, changed: 2 },
    });
    const hashes = await Promise.all([1, 2, 3].map(async (n) => (await t.gql(VERSION, { number: n })).body.data.definitionVersion.hash));
    expect(new Set(hashes).size).toBe(3);

    const missing = await t.gql(VERSION, { number: 99 });
    expect(missing.body.errors).toBeUndefined();
    expect(missing.body.data.definitionVersion).toBeNull();
  });

  it('diffs two versions in both directions', async () => {
    const forward = await t.gql(DIFF, { from: 1, to: 2 });
    expect(forward.body.errors).toBeUndefined();
    expect(forward.body.data.diff).toEqual({
      from: 1,
      to: 2,
      changes: [
        { kind: 'semantic_model', name: 'listings', changeType: 'changed', fields: [{ path: 'dimensions[is_large].expr', before: 'capacity >= 6', after: 'capacity >= 8' }] },
        { kind: 'metric', name: 'bookings', changeType: 'changed', fields: [{ path: 'description', before: 'Number of bookings.', after: 'Number of bookings, all channels.' }] },
        { kind: 'metric', name: 'buy_value', changeType: 'removed', fields: [] },
        { kind: 'metric', name: 'lux_bookings', changeType: 'added', fields: [] },
      ],
    });

    const backward = await t.gql(DIFF, { from: 2, to: 1 });
    expect(backward.body.errors).toBeUndefined();
    expect(backward.body.data.diff).toEqual({
      from: 2,
      to: 1,
      changes: [
        { kind: 'semantic_model', name: 'listings', changeType: 'changed', fields: [{ path: 'dimensions[is_large].expr', before: 'capacity >= 8', after: 'capacity >= 6' }] },
        { kind: 'metric', name: 'bookings', changeType: 'changed', fields: [{ path: 'description', before: 'Number of bookings, all channels.', after: 'Number of bookings.' }] },
        { kind: 'metric', name: 'buy_value', changeType: 'added', fields: [] },
        { kind: 'metric', name: 'lux_bookings', changeType: 'removed', fields: [] },
      ],
    });

    // Across two versions the field changes accumulate.
    const across = await t.gql(DIFF, { from: 1, to: 3 });
    const bookings = across.body.data.diff.changes.find((c: { kind: string; name: string }) => c.kind === 'metric' && c.name === 'bookings');
    expect(bookings.fields).toEqual([
      { path: 'description', before: 'Number of bookings.', after: 'Number of bookings, all channels.' },
      { path: 'meta.tier', before: 'gold', after: 'platinum' },
    ]);

    const same = await t.gql(DIFF, { from: 2, to: 2 });
    expect(same.body.data.diff.changes).toEqual([]);

    const unknown = await t.gql(DIFF, { from: 1, to: 42 });
    expect(unknown.body.data).toBeNull();
    expect(unknown.body.errors[0].extensions.code).toBe('UNKNOWN_VERSION');
  });

  it('reads a metric as of a version, with its history and the version that last changed it', async () => {
    const head = await t.gql(METRIC, { name: 'bookings' });
    expect(head.body.errors).toBeUndefined();
    const m = head.body.data.metric;
    expect(m).toMatchObject({
      name: 'bookings',
      label: 'Bookings',
      description: 'Number of bookings, all channels.',
      type: 'SIMPLE',
      filter: [],
      owner: 'growth-analytics',
      layer: 'core',
      tier: 'platinum',
      unit: 'bookings',
      parentMetric: null,
      version: 3,
      lastChangedIn: 3,
    });
    expect(m.history.map((h: { version: number; changeType: string; author: string; message: string }) => [h.version, h.changeType, h.author, h.message])).toEqual([
      [3, 'changed', 'dev-admin', 'v3'],
      [2, 'changed', 'dev-admin', 'v2'],
      [1, 'added', 'dev-admin', 'v1'],
    ]);
    expect(m.history[0].fields).toEqual([{ path: 'meta.tier', before: 'gold', after: 'platinum' }]);
    expect(m.history[1].fields).toEqual([{ path: 'description', before: 'Number of bookings.', after: 'Number of bookings, all channels.' }]);

    const atTwo = (await t.gql(METRIC, { name: 'bookings', version: 2 })).body.data.metric;
    expect(atTwo).toMatchObject({ version: 2, lastChangedIn: 2, description: 'Number of bookings, all channels.', tier: 'gold' });
    const atOne = (await t.gql(METRIC, { name: 'bookings', version: 1 })).body.data.metric;
    expect(atOne).toMatchObject({ version: 1, lastChangedIn: 1, description: 'Number of bookings.', tier: 'gold' });

    // A metric untouched since version 1 was last changed in 1, whatever the version asked for.
    const rate = (await t.gql(METRIC, { name: 'instant_booking_rate' })).body.data.metric;
    expect(rate).toMatchObject({ version: 3, lastChangedIn: 1, type: 'RATIO', tier: 'gold', unit: 'ratio' });
    expect(rate.history.map((h: { version: number }) => h.version)).toEqual([1]);

    const child = (await t.gql(METRIC, { name: 'instant_bookings' })).body.data.metric;
    expect(child.parentMetric).toBe('bookings');
    const filtered = (await t.gql(METRIC, { name: 'us_bookings' })).body.data.metric;
    expect(filtered.filter).toHaveLength(1);

    // Removed in 2: gone at the head, still readable as of 1, with its removal in the history.
    const removed = await t.gql(METRIC, { name: 'buy_value' });
    expect(removed.body.errors).toBeUndefined();
    expect(removed.body.data.metric).toBeNull();
    const old = (await t.gql(METRIC, { name: 'buy_value', version: 1 })).body.data.metric;
    expect(old).toMatchObject({ name: 'buy_value', version: 1, lastChangedIn: 1, owner: 'growth-analytics', unit: 'USD' });
    expect(old.history.map((h: { version: number; changeType: string }) => [h.version, h.changeType])).toEqual([
      [2, 'removed'],
      [1, 'added'],
    ]);

    // Added in 2: absent as of 1.
    expect((await t.gql(METRIC, { name: 'lux_bookings', version: 1 })).body.data.metric).toBeNull();
    expect((await t.gql(METRIC, { name: 'lux_bookings' })).body.data.metric).toMatchObject({ version: 3, lastChangedIn: 2 });
    expect((await t.gql(METRIC, { name: 'no_such_metric' })).body.data.metric).toBeNull();

    const badVersion = await t.gql(METRIC, { name: 'bookings', version: 77 });
    expect(badVersion.body.errors[0].extensions.code).toBe('UNKNOWN_VERSION');
  });

  it('publishing identical content again creates no version', async () => {
    const again = await t.gql(PUBLISH, { input: { files: v3, message: 'same again' } });
    expect(again.body.errors).toBeUndefined();
    const head = (await t.gql(VERSION, { number: 3 })).body.data.definitionVersion;
    expect(again.body.data.publishDefinitions).toMatchObject({ created: false, changes: [], version: { number: 3, hash: head.hash, message: 'v3' } });

    // Same definitions written differently (a comment, files in another order) are the same content.
    const reformatted = [...v3].reverse().map((f) => (f.path === 'bookings.yml' ? { ...f, content: `# edited by hand\n${f.content}` } : f));
    const equivalent = await t.gql(PUBLISH, { input: { files: reformatted, message: 'reformatted' } });
    expect(equivalent.body.errors).toBeUndefined();
    expect(equivalent.body.data.publishDefinitions).toMatchObject({ created: false, version: { number: 3, hash: head.hash } });

    expect(await versionNumbers()).toEqual([3, 2, 1]);
  });

  it('refuses a publish whose expected parent is not the head (VERSION_CONFLICT) and writes nothing', async () => {
    const changed = edit(v3, 'bookings.yml', (s) => s.replace('label: Bookings\n', 'label: All bookings\n'));
    const conflict = await t.gql(PUBLISH, { input: { files: changed, message: 'stale', expectedParentVersion: 2 } });
    expect(conflict.body.data).toBeNull();
    expect(conflict.body.errors).toHaveLength(1);
    expect(conflict.body.errors[0].extensions.code).toBe('VERSION_CONFLICT');
    expect(conflict.body.errors[0].extensions.details).toEqual({ expectedParentVersion: 2, headVersion: 3 });
    expect(conflict.body.errors[0].message).toMatch(/expected version 2.*current version is 3/);
    expect(await versionNumbers()).toEqual([3, 2, 1]);
    expect((await t.gql(METRIC, { name: 'bookings' })).body.data.metric.label).toBe('Bookings');
    expect((await t.gql(COUNT_BOOKINGS)).body.data.query.definitionVersion).toBe(3);

    // A version that does not exist yet is a conflict too.
    const ahead = await t.gql(PUBLISH, { input: { files: changed, expectedParentVersion: 4 } });
    expect(ahead.body.errors[0].extensions.code).toBe('VERSION_CONFLICT');
    expect(await versionNumbers()).toEqual([3, 2, 1]);

    // The right parent goes through.
    const ok = await t.gql(PUBLISH, { input: { files: changed, message: 'relabel', expectedParentVersion: 3 } });
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data.publishDefinitions).toMatchObject({ created: true, version: { number: 4, parentNumber: 3, message: 'relabel' } });
    expect((await t.gql(METRIC, { name: 'bookings' })).body.data.metric).toMatchObject({ label: 'All bookings', version: 4, lastChangedIn: 4 });
  });

  it('substitutes $name and {{ var() }} from the publish variables', async () => {
    // A second copy of the bookings table, with only the bookings of listings 1-10, in another schema.
    const client = new Client({ connectionString: t.db.url });
    await client.connect();
    let expected: number;
    try {
      await client.query('CREATE SCHEMA analytics');
      await client.query('CREATE TABLE analytics.bookings AS SELECT * FROM marketplace.bookings WHERE listing_id <= 10');
      expected = Number((await client.query('SELECT count(*) AS n FROM analytics.bookings')).rows[0].n);
    } finally {
      await client.end();
    }
    const all = Number((await t.gql(COUNT_BOOKINGS)).body.data.query.rows[0].bookings);
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(all);

    const templated = edit(base, 'bookings.yml', (s) =>
      s
        .replace('node_relation:\n      schema_name: marketplace\n      alias: bookings', 'node_relation:\n      schema_name: $source_schema\n      alias: bookings')
        .replace('label: Bookings\n    description: Number of bookings.\n', "label: Bookings\n    description: \"Owned by {{ var('team') }} (build {{ var('build') }}).\"\n"),
    );
    const vars = { source_schema: 'analytics', team: 'growth', build: 7 };

    const validated = await t.gql(VALIDATE, { input: { files: templated, vars } });
    expect(validated.body.errors).toBeUndefined();
    expect(validated.body.data.validateDefinitions.valid).toBe(true);

    const published = await t.gql(PUBLISH, { input: { files: templated, vars, message: 'analytics schema' } });
    expect(published.body.errors).toBeUndefined();
    expect(published.body.data.publishDefinitions.created).toBe(true);
    const version = published.body.data.publishDefinitions.version.number as number;
    expect(version).toBe(5);

    const q = await t.gql(COUNT_BOOKINGS);
    expect(q.body.errors).toBeUndefined();
    expect(q.body.data.query.definitionVersion).toBe(5);
    expect(q.body.data.query.rows).toEqual([{ bookings: expected }]);
    expect(q.body.data.query.sql).toContain('analytics');
    expect(q.body.data.query.sql).not.toContain('$source_schema');
    expect((await t.gql(METRIC, { name: 'bookings' })).body.data.metric.description).toBe('Owned by growth (build 7).');

    // A variable that is not given is a positioned problem; nothing is stored.
    const content = templated.find((f) => f.path === 'bookings.yml')!.content;
    const missing = await t.gql(PUBLISH, { input: { files: templated, vars: { source_schema: 'analytics', team: 'growth' } } });
    expect(missing.body.errors[0].extensions.code).toBe('INVALID_DEFINITIONS');
    expect(missing.body.errors[0].extensions.issues).toEqual([
      expect.objectContaining({ code: 'MISSING_VARIABLE', file: 'bookings.yml', line: positionOf(content, "description: \"Owned by").line, message: expect.stringContaining("'build'") }),
    ]);
    const noVars = await t.gql(VALIDATE, { input: { files: templated } });
    const problems = noVars.body.data.validateDefinitions.errors as Array<{ code: string; line: number; message: string }>;
    expect(problems.map((p) => p.code)).toEqual(['MISSING_VARIABLE', 'MISSING_VARIABLE', 'MISSING_VARIABLE']);
    expect(problems[0]).toMatchObject({ line: positionOf(content, 'schema_name: $source_schema').line, message: expect.stringContaining("'source_schema'") });

    // A variable must be a scalar.
    const object = await t.gql(PUBLISH, { input: { files: templated, vars: { ...vars, team: { name: 'growth' } } } });
    expect(object.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(await versionNumbers({ limit: 1 })).toEqual([5]);
  });

  it('concurrent publishes on the same parent: exactly one wins, the others conflict', async () => {
    const head = (await versionNumbers({ limit: 1 }))[0]!;
    expect(head).toBeGreaterThan(1);
    const variant = (i: number): SourceFile[] => [
      ...base,
      { path: 'race.yml', content: `metrics:\n  - name: race_${i}\n    type: simple\n    type_params:\n      measure: bookings\n` },
    ];
    const results = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => t.gql(PUBLISH, { input: { files: variant(i), message: `race ${i}`, expectedParentVersion: head } })));
    const won = results.filter((r) => !r.body.errors);
    const lost = results.filter((r) => r.body.errors);
    expect(won).toHaveLength(1);
    expect(won[0]!.body.data.publishDefinitions).toMatchObject({ created: true, version: { number: head + 1, parentNumber: head } });
    expect(lost.map((r) => r.body.errors[0].extensions.code)).toEqual(Array(5).fill('VERSION_CONFLICT'));
    expect(await versionNumbers({ limit: 2 })).toEqual([head + 1, head]);

    // The same new content published concurrently is stored once.
    const same = variant(99);
    const twins = await Promise.all([0, 1, 2, 3].map(() => t.gql(PUBLISH, { input: { files: same, message: 'twin' } })));
    for (const r of twins) expect(r.body.errors).toBeUndefined();
    expect(twins.filter((r) => r.body.data.publishDefinitions.created)).toHaveLength(1);
    for (const r of twins) expect(r.body.data.publishDefinitions.version.number).toBe(head + 2);
    expect(await versionNumbers({ limit: 3 })).toEqual([head + 2, head + 1, head]);
    expect((await t.gql(COUNT_BOOKINGS)).body.data.query.definitionVersion).toBe(head + 2);
  });
});
