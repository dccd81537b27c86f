import type { DataSource } from 'typeorm';
import { DefinitionsError, type SourceFile } from '../../src/definitions';
import { UserError } from '../../src/errors';
import { DefinitionStore } from '../../src/metadata/DefinitionStore';
import { createTestMetadataStore } from '../support/metadata';

const ORDERS = `
semantic_models:
  - name: orders
    node_relation: { schema_name: shop, alias: orders }
    defaults: { agg_time_dimension: ordered_at }
    entities:
      - { name: order, type: primary, expr: order_id }
      - { name: customer, type: foreign, expr: customer_id }
    dimensions:
      - { name: ordered_at, type: time, type_params: { time_granularity: day } }
      - { name: status, type: categorical }
    measures:
      - { name: revenue, agg: sum, expr: amount }
      - { name: order_count, agg: count, expr: order_id }
metrics:
  - name: revenue
    label: Revenue
    type: simple
    type_params: { measure: revenue }
  - name: orders
    label: Orders
    type: simple
    type_params: { measure: order_count }
`;

const files = (content: string): SourceFile[] => [{ path: 'models/orders.yml', content }];

describe('DefinitionStore', () => {
  let store: DefinitionStore;
  let dataSource: DataSource;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const ctx = await createTestMetadataStore();
    dataSource = ctx.dataSource;
    close = ctx.close;
    store = new DefinitionStore(dataSource);
  });
  afterAll(() => close());

  const count = async (table: string) => Number((await dataSource.query(`SELECT count(*) AS n FROM northstar.${table}`))[0].n);

  it('numbers versions, keeps files and normalized definitions, and skips identical content', async () => {
    const first = await store.publish({ files: files(ORDERS), author: 'ana', message: 'add orders' });
    expect(first.created).toBe(true);
    expect(first.version.number).toBe(1);
    expect(first.version.parentNumber).toBeNull();
    expect(first.version.author).toBe('ana');
    expect(first.version.message).toBe('add orders');
    expect(first.version.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.version.files).toEqual(files(ORDERS));
    expect(first.version.definitions.metrics.map((m) => m.name).sort()).toEqual(['orders', 'revenue']);
    expect(first.changes.map((c) => `${c.changeType} ${c.kind} ${c.name}`)).toEqual([
      'added semantic_model orders',
      'added metric orders',
      'added metric revenue',
    ]);

    // Same meaning, different spelling (comments, key order): no new version.
    const again = await store.publish({ files: files(`# reformatted\n${ORDERS}`), author: 'bo', message: 'noop' });
    expect(again.created).toBe(false);
    expect(again.version.number).toBe(1);
    expect(await count('definition_version')).toBe(1);
  });

  it('records field-level changes and a per-metric history', async () => {
    const changed = ORDERS.replace('{ name: revenue, agg: sum, expr: amount }', '{ name: revenue, agg: sum, expr: amount - discount }').replace(
      'label: Orders',
      'label: Order count',
    );
    const second = await store.publish({ files: files(changed), author: 'bo', message: 'net revenue' });
    expect(second.version.number).toBe(2);
    expect(second.version.parentNumber).toBe(1);
    expect(second.changes).toEqual([
      expect.objectContaining({
        kind: 'semantic_model',
        name: 'orders',
        changeType: 'changed',
        fields: [{ path: 'measures[revenue].expr', before: 'amount', after: 'amount - discount' }],
      }),
      expect.objectContaining({
        kind: 'metric',
        name: 'orders',
        changeType: 'changed',
        fields: [{ path: 'label', before: 'Orders', after: 'Order count' }],
      }),
    ]);
    const history = await store.history('metric', 'orders');
    expect(history.map((h) => [h.versionNumber, h.changeType, h.author])).toEqual([
      [2, 'changed', 'bo'],
      [1, 'added', 'ana'],
    ]);
    expect(await store.history('metric', 'revenue')).toHaveLength(1);

    const diff = await store.diff(1, 2);
    expect(diff.map((c) => `${c.changeType} ${c.kind} ${c.name}`)).toEqual(['changed semantic_model orders', 'changed metric orders']);
    const back = await store.diff(2, 1);
    expect(back[0]!.fields).toEqual([{ path: 'measures[revenue].expr', before: 'amount - discount', after: 'amount' }]);

    const listed = await store.list();
    expect(listed.map((v) => v.number)).toEqual([2, 1]);
    expect(listed[0]!.summary).toEqual({ semanticModels: 1, metrics: 2, savedQueries: 0, added: 0, removed: 0, changed: 2 });
    expect((await store.metricAt('orders', 1))?.metric.label).toBe('Orders');
    expect((await store.metricAt('orders'))?.metric.label).toBe('Order count');
  });

  it('refuses a publish whose expected parent is not the head, writing nothing', async () => {
    const before = await count('definition_version');
    const changes = await count('definition_change');
    const removed = ORDERS.replace(/ {2}- name: orders\n {4}label: Orders[\s\S]*$/, '');
    await expect(store.publish({ files: files(removed), author: 'cy', expectedParentVersion: 1 })).rejects.toMatchObject({
      code: 'VERSION_CONFLICT',
      details: { expectedParentVersion: 1, headVersion: 2 },
    });
    expect(await count('definition_version')).toBe(before);
    expect(await count('definition_change')).toBe(changes);
  });

  it('stores nothing for invalid definitions and reports every problem', async () => {
    const before = await count('definition_version');
    const broken = ORDERS.replace('measure: revenue }', 'measure: revenu }').replace('agg: count', 'agg: cnt');
    let caught: unknown;
    try {
      await store.publish({ files: files(broken), author: 'dee' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DefinitionsError);
    const issues = (caught as DefinitionsError).issues;
    expect(issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.code}`)).toEqual([
      'models/orders.yml:14:35 INVALID_VALUE',
      'models/orders.yml:19:29 UNKNOWN_REFERENCE',
    ]);
    expect(issues[0]!.message).toContain("'agg' is 'cnt'; expected one of sum, count");
    expect(issues[1]!.message).toBe("metric 'revenue': measure 'revenu' is not a measure. Did you mean 'revenue'?");
    expect(await count('definition_version')).toBe(before);
  });

  it('lets exactly one of two concurrent publishes on the same head win', async () => {
    const head = (await store.head())!.number;
    const a = ORDERS.replace('label: Revenue', 'label: Revenue A');
    const b = ORDERS.replace('label: Revenue', 'label: Revenue B');
    const results = await Promise.allSettled([
      store.publish({ files: files(a), author: 'a', expectedParentVersion: head }),
      store.publish({ files: files(b), author: 'b', expectedParentVersion: head }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(UserError);
    expect(lost[0]!.reason.code).toBe('VERSION_CONFLICT');
    expect((await store.head())!.number).toBe(head + 1);
    expect(await count('definition_version')).toBe(head + 1);
  });

  it('keeps published versions immutable in the database', async () => {
    await expect(dataSource.query(`UPDATE northstar.definition_version SET message = 'x' WHERE number = 1`)).rejects.toThrow(
      /immutable/,
    );
    await expect(dataSource.query(`DELETE FROM northstar.definition_version WHERE number = 1`)).rejects.toThrow(/immutable/);
  });
});
