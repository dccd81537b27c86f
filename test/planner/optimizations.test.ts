import { loadDefinitions, SemanticGraph } from '../../src/definitions';
import { ALL_PASSES, planQuery, type MetricRequest, type PassName } from '../../src/planner';
import { lowerPlan } from '../../src/planner/lower';
import type { Join, LogicalPlan } from '../../src/planner/plan';
import { pruneColumns } from '../../src/planner/passes/pruneColumns';
import { renderQuery } from '../../src/sql/render';
import { expectSameRows } from '../support/compare';
import { marketplaceSuite } from '../support/semantics';

const { get } = marketplaceSuite();

const without = (pass: PassName): PassName[] => ALL_PASSES.filter((p) => p !== pass);

/** The SQL of a request with and without one pass, and proof that both give the same rows. */
async function compare(request: MetricRequest, pass: PassName): Promise<{ before: string; after: string }> {
  const m = get();
  const before = planQuery(m.graph, request, { passes: without(pass) });
  const after = planQuery(m.graph, request, { passes: ALL_PASSES });
  expectSameRows(await m.query(request, { passes: ALL_PASSES }), await m.query(request, { passes: without(pass) }));
  return { before: before.sql.text, after: after.sql.text };
}

const count = (text: string, pattern: RegExp) => (text.match(new RegExp(pattern.source, `${pattern.flags}g`)) ?? []).length;

describe('optimizer passes', () => {
  it('mergeAggregations: measures of one model share one scan, with FILTER for their own filters', async () => {
    const { before, after } = await compare(
      { metrics: ['bookings', 'booking_value', 'instant_bookings_filtered', 'us_bookings'], groupBy: ['metric_time__month'] },
      'mergeAggregations',
    );
    expect(count(before, /FROM marketplace\.bookings/)).toBe(4);
    expect(count(after, /FROM marketplace\.bookings/)).toBe(1);
    expect(after).toMatch(/SUM\(base\.bookings\) FILTER \(WHERE base\.is_instant\) AS instant_bookings_filtered/);
    expect(after).toMatch(/SUM\(base\.bookings\) FILTER \(WHERE listing__listings\.country = \$1\) AS us_bookings/);
    expect(before).toContain('UNION ALL');
    expect(after).not.toContain('UNION ALL');
  });

  it('pushDownPredicates: filters and the time constraint move into the scans; the join becomes INNER', async () => {
    const request: MetricRequest = {
      metrics: ['bookings'],
      groupBy: ['metric_time__month'],
      where: ["{{ Dimension('listing__country') }} = 'us'", "{{ Dimension('booking__is_instant') }}"],
      timeConstraint: { start: '2020-01-01', end: '2020-03-31' },
    };
    const { before, after } = await compare(request, 'pushDownPredicates');
    expect(before).toMatch(/LEFT OUTER JOIN/);
    expect(before).toMatch(/\) AS base\s+LEFT OUTER JOIN[\s\S]*WHERE listing__listings\.country = \$1 AND base\.is_instant AND base\.ds >= \$2::date AND base\.ds < \$3::date/);
    expect(after).toMatch(/FROM marketplace\.bookings AS bookings\s+WHERE is_instant AND ds >= \$\d::date AND ds < \$\d::date/);
    expect(after).toMatch(/FROM marketplace\.listings AS listings\s+WHERE country = \$\d/);
    expect(after).toMatch(/INNER JOIN/);
    expect(after).not.toMatch(/LEFT OUTER JOIN/);
  });

  it('pushDownPredicates keeps a filter that accepts NULLs above a LEFT JOIN', async () => {
    const request: MetricRequest = { metrics: ['bookings'], where: ["{{ Dimension('listing__country') }} IS NULL"] };
    const { after } = await compare(request, 'pushDownPredicates');
    expect(after).toMatch(/LEFT OUTER JOIN/);
    expect(after).toMatch(/WHERE listing__listings\.country IS NULL/);
    const [row] = await get().query(request);
    const [expected] = await get().sql(
      'SELECT count(*) AS bookings FROM marketplace.bookings b LEFT JOIN marketplace.listings l ON b.listing_id = l.listing_id WHERE l.country IS NULL',
    );
    expect(row).toEqual(expected);
  });

  it('shareSubplans: the same sub-plan is computed once and read twice', async () => {
    // The derived metric reads the same running total that is also asked for directly.
    const { before, after } = await compare({ metrics: ['bookings_7d', 'bookings_7d_daily_average'], groupBy: ['metric_time__day'] }, 'shareSubplans');
    expect(count(before, /INNER JOIN marketplace\.time_spine_days|FROM marketplace\.time_spine_days/)).toBe(2);
    expect(count(after, /FROM marketplace\.time_spine_days/)).toBe(1);
    const ctes = (text: string) => count(text, /^(WITH )?\s*\w+ AS \($/m);
    expect(ctes(after)).toBeLessThan(ctes(before));
  });

  it('pruneColumns: scans read only the columns used', async () => {
    const { before, after } = await compare({ metrics: ['bookings'], groupBy: ['booking__is_instant'] }, 'pruneColumns');
    expect(before).toMatch(/booking_source/);
    expect(before).toMatch(/guest_id AS guest/);
    expect(after).not.toMatch(/booking_source/);
    expect(after).not.toMatch(/guest_id/);
  });

  it('pruneColumns: a LEFT join nothing reads is dropped, an INNER one is kept', () => {
    const m = get();
    const planned = planQuery(m.graph, { metrics: ['bookings'], groupBy: ['listing__country'] }, { passes: [] });
    const node = planned.plan.nodes[0]!;
    if (node.kind !== 'aggregate') throw new Error('expected an aggregation');
    // The same node grouped by nothing: the join to listings is no longer read.
    const unread: LogicalPlan = { ...planned.plan, nodes: [{ ...node, keys: [] }], output: { ...planned.plan.output, columns: planned.plan.output.columns.slice(1), orderBy: [] } };
    const pruned = pruneColumns(unread);
    const prunedNode = pruned.nodes[0]!;
    expect(prunedNode.kind === 'aggregate' && prunedNode.joins).toEqual([]);
    const inner: LogicalPlan = { ...unread, nodes: [{ ...node, keys: [], joins: node.joins.map((j): Join => ({ ...j, type: 'INNER' })) }] };
    const kept = pruneColumns(inner).nodes[0]!;
    expect(kept.kind === 'aggregate' && kept.joins.length).toBe(1);
    expect(renderQuery(lowerPlan(pruned, { defaultSchema: null })).text).not.toContain('JOIN');
  });

  it('renders the same request to the same SQL every time', () => {
    const m = get();
    const request: MetricRequest = { metrics: ['instant_booking_rate', 'bookings_7d'], groupBy: ['metric_time__week', 'listing__country'], where: ["{{ Dimension('listing__is_lux') }}"] };
    const a = planQuery(m.graph, request);
    const b = planQuery(m.graph, JSON.parse(JSON.stringify(request)));
    expect(b.sql).toEqual(a.sql);
    expect(JSON.stringify(b.plan)).toBe(JSON.stringify(a.plan));
  });
});

describe('time spine', () => {
  it('uses generate_series when no time spine is configured, with the same results as the spine table', async () => {
    const m = get();
    const defs = m.graph.definitions;
    const noSpine = new SemanticGraph(loadDefinitions([]) && { ...defs, timeSpines: [] });
    const request: MetricRequest = { metrics: ['bookings_fill_nulls', 'bookings_7d'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-03-10', end: '2020-03-25' } };
    const withTable = planQuery(m.graph, request);
    const withSeries = planQuery(noSpine, request);
    expect(withTable.sql.text).toContain('marketplace.time_spine_days');
    expect(withSeries.sql.text).not.toContain('time_spine_days');
    expect(withSeries.sql.text).toContain('GENERATE_SERIES');
    const a = await m.warehouse.run(withTable.sql);
    const b = await m.warehouse.run(withSeries.sql);
    expectSameRows(b.rows, a.rows);
    const expected = await m.sql(
      `SELECT d::date AS metric_time__day,
              coalesce((SELECT count(*) FROM marketplace.bookings b WHERE b.ds = d::date), 0) AS bookings_fill_nulls,
              (SELECT count(*) FROM marketplace.bookings b WHERE b.ds <= d::date AND b.ds > d::date - 7) AS bookings_7d
         FROM generate_series(DATE '2020-03-10', DATE '2020-03-25', INTERVAL '1 day') AS d`,
    );
    // Days whose 7-day window is empty have no cumulative row but keep their filled count.
    expectSameRows(
      a.rows.map((r) => ({ ...r })),
      expected.map((r) => ({ ...r, bookings_7d: Number(r['bookings_7d']) === 0 ? null : r['bookings_7d'] })),
    );
  });
});
