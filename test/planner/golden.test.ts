import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planQuery, type MetricRequest } from '../../src/planner';
import { loadMarketplace, type Marketplace } from '../support/marketplace';

/**
 * Golden SQL: the exact text and parameter values the planner renders for representative
 * requests over the marketplace manifest, kept in test/planner/golden/<name>.sql.
 * A change in the generated SQL shows up as a diff to review.
 * Rewrite the files with UPDATE_SNAPSHOTS=1 (never when CI is set).
 */

const DIR = join(__dirname, 'golden');
const UPDATE = process.env['UPDATE_SNAPSHOTS'] === '1' && !process.env['CI'];

const CASES: ReadonlyArray<[name: string, request: MetricRequest]> = [
  ['simple_by_month', { metrics: ['bookings'], groupBy: ['metric_time__month'] }],
  [
    'filtered_metric_filter_clause',
    { metrics: ['bookings', 'instant_bookings_filtered'], groupBy: ['metric_time__month'], timeConstraint: { start: '2020-01-01', end: '2020-03-31' } },
  ],
  [
    'joined_dimension_where_pushdown',
    { metrics: ['bookings', 'booking_value'], groupBy: ['metric_time__month', 'listing__is_lux'], where: [`{{ Dimension('listing__country') }} IN ('us', 'ca')`] },
  ],
  ['two_hops', { metrics: ['bookings'], groupBy: ['guest__company__industry'] }],
  ['ratio_same_model', { metrics: ['instant_booking_rate'], groupBy: ['booking__booking_source'] }],
  ['ratio_cross_model', { metrics: ['buys_per_visit'], groupBy: ['metric_time__month'] }],
  ['derived_offset_window', { metrics: ['bookings_growth'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-02-01', end: '2020-02-14' } }],
  ['cumulative_7d', { metrics: ['bookings_7d'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-03-01', end: '2020-03-10' } }],
  ['grain_to_date', { metrics: ['booking_value_mtd'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-02-25', end: '2020-03-05' } }],
  ['conversion', { metrics: ['visit_to_buy_conversion_rate_7d'], groupBy: ['metric_time__month'] }],
  ['semi_additive', { metrics: ['account_balance'], groupBy: ['metric_time__month'] }],
  ['timespine_fill_nulls', { metrics: ['bookings_fill_nulls'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-03-14', end: '2020-03-24' } }],
  ['metric_filter', { metrics: ['booking_value'], groupBy: ['listing__country'], where: [`{{ Metric('bookings', group_by=['listing']) }} >= 20`] }],
  ['dimension_only', { metrics: [], groupBy: ['listing__country', 'listing__is_lux'] }],
];

/** The golden file: the request as a comment, the SQL text, the values as a trailing comment. */
function goldenText(request: MetricRequest, sql: { text: string; values: readonly unknown[] }): string {
  return `-- request: ${JSON.stringify(request)}\n${sql.text}\n-- values: ${JSON.stringify(sql.values)}\n`;
}

let m: Marketplace;
beforeAll(async () => {
  m = await loadMarketplace();
});
afterAll(async () => {
  await m?.close();
});

describe('golden SQL (rewrite with UPDATE_SNAPSHOTS=1)', () => {
  it('every golden file belongs to a case', () => {
    const names = new Set(CASES.map(([name]) => `${name}.sql`));
    expect(new Set(CASES.map(([name]) => name)).size).toBe(CASES.length);
    if (existsSync(DIR)) {
      expect(readdirSync(DIR).filter((f) => f.endsWith('.sql') && !names.has(f))).toEqual([]);
    }
  });

  it.each(CASES)('%s', async (name, request) => {
    const planned = planQuery(m.graph, request);
    const text = goldenText(request, planned.sql);
    const file = join(DIR, `${name}.sql`);
    if (UPDATE) {
      mkdirSync(DIR, { recursive: true });
      writeFileSync(file, text);
    }
    if (!existsSync(file)) throw new Error(`missing golden file ${file}: run with UPDATE_SNAPSHOTS=1 to create it`);
    expect(text).toBe(readFileSync(file, 'utf8'));
    // The golden SQL is a statement PostgreSQL accepts.
    const result = await m.warehouse.run(planned.sql);
    expect(result.rows.length).toBeGreaterThan(0);
  });
});
