import fc from 'fast-check';
import type { SemanticGraph } from '../../src/definitions';
import { ALL_PASSES, planQuery, type MetricRequest } from '../../src/planner';
import { expectSameRows } from '../support/compare';
import { loadMarketplace, type Marketplace } from '../support/marketplace';

/**
 * Property tests over random, valid requests on the marketplace manifest:
 *   (i)   planning and running never throws (and planning is deterministic);
 *   (ii)  additive metrics: the groups of any categorical dimension sum to the ungrouped total;
 *   (iii) the naive plan and the optimized plan return the same rows.
 * Deterministic: a fixed seed per property (override with PROPERTY_SEED / PROPERTY_RUNS to explore).
 */

const SEED = Number(process.env['PROPERTY_SEED'] ?? 20200101);
const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 100);

let m: Marketplace;
beforeAll(async () => {
  m = await loadMarketplace();
});
afterAll(async () => {
  await m?.close();
});

// ---------------------------------------------------------------------------------------------
// The request space
// ---------------------------------------------------------------------------------------------

const GRAINS = ['day', 'week', 'month', 'quarter', 'year'] as const;
type Grain = (typeof GRAINS)[number];
const GRAIN_RANK: Record<Grain, number> = { day: 0, week: 1, month: 2, quarter: 3, year: 4 };

/** Metrics that need metric_time in the group-by (offset_to_grain), with the coarsest grain they allow. */
const NEEDS_METRIC_TIME: Readonly<Record<string, Grain>> = {
  bookings_start_of_month: 'month',
};

/** Additive metrics: a plain SUM / COUNT / sum_boolean of rows, possibly with a row-level filter. */
const ADDITIVE = [
  'bookings',
  'booking_value',
  'instant_bookings',
  'booking_count',
  'paid_booking_value',
  'instant_bookings_filtered',
  'us_bookings',
  'lux_booking_value',
  'ca_guest_instant_bookings',
  'tech_guest_bookings',
  'gold_tier_bookings',
  'popular_listing_booking_value',
  'paid_bookings',
  'visits',
  'buys',
  'buy_value',
  'new_users',
] as const;

/** Filters with the items they read; a filter is offered only when every item is valid for every metric. */
const FILTERS: ReadonlyArray<{ where: string; items: readonly string[] }> = [
  { where: `{{ Dimension('listing__country') }} = 'us'`, items: ['listing__country'] },
  { where: `{{ Dimension('listing__country') }} IS NULL`, items: ['listing__country'] },
  { where: `{{ Dimension('booking__is_instant') }}`, items: ['booking__is_instant'] },
  { where: `{{ Dimension('booking__booking_source') }} IN ('web', 'ios')`, items: ['booking__booking_source'] },
  { where: `{{ Dimension('guest__home_state') }} <> 'CA'`, items: ['guest__home_state'] },
  { where: `{{ Dimension('listing__tier') }} = 'gold'`, items: ['listing__tier'] },
  { where: `{{ Dimension('listing__user__home_state') }} IN ('CA', 'NY')`, items: ['listing__user__home_state'] },
  { where: `{{ Dimension('user__home_state') }} IN ('CA', 'NY', 'TX')`, items: ['user__home_state'] },
  { where: `{{ Dimension('user__company__industry') }} = 'technology'`, items: ['user__company__industry'] },
  { where: `{{ Dimension('visit__referrer_id') }} IS NOT NULL`, items: ['visit__referrer_id'] },
  { where: `{{ Dimension('balance_snapshot__account_type') }} = 'checking'`, items: ['balance_snapshot__account_type'] },
  { where: `{{ TimeDimension('metric_time', 'day') }} >= '2020-02-15'`, items: ['metric_time'] },
  { where: `{{ TimeDimension('metric_time', 'month') }} <> '2020-03-01'`, items: ['metric_time'] },
];

/** Days from 2019-12-15 on, for time constraints. */
const DAYS = Array.from({ length: 230 }, (_, i) => {
  const d = new Date(Date.UTC(2019, 11, 15 + i));
  return d.toISOString().slice(0, 10);
});

interface Catalog {
  readonly metrics: readonly string[];
  /** Categorical dimensions, time dimensions at a grain and entities valid for the metric (reachable from every model it reads). */
  readonly items: ReadonlyMap<string, ReadonlySet<string>>;
  /** The subset of items that are categorical dimensions. */
  readonly categorical: ReadonlySet<string>;
}

function buildCatalog(graph: SemanticGraph): Catalog {
  const items = new Map<string, Set<string>>();
  const categorical = new Set<string>();
  const reachable = (model: Parameters<SemanticGraph['reachableElements']>[0]): Set<string> => {
    const names = new Set<string>();
    for (const e of graph.reachableElements(model)) {
      // Skip detours that revisit an entity (listing__listing__tier) and entities behind joins.
      if (new Set(e.path).size !== e.path.length || e.path.length > 2) continue;
      const name = [...e.path, e.element].join('__');
      if (e.dimension?.type === 'categorical') {
        names.add(name);
        categorical.add(name);
      } else if (e.dimension?.type === 'time') {
        // Other time dimensions at a grain (booking__paid_at__month, listing__created_at__quarter).
        for (const grain of ['day', 'month', 'quarter'] as const) names.add(`${name}__${grain}`);
      } else if (e.entity && e.path.length === 0) names.add(name);
    }
    return names;
  };
  for (const metric of graph.metrics.keys()) {
    const perModel = graph.measuresOf(metric).map(({ model }) => reachable(model));
    const [first = new Set<string>(), ...rest] = perModel;
    items.set(metric, new Set([...first].filter((name) => rest.every((names) => names.has(name)))));
  }
  return { metrics: [...graph.metrics.keys()].sort(), items, categorical };
}

function validFor(catalog: Catalog, metrics: readonly string[], item: string): boolean {
  if (item === 'metric_time') return true;
  return metrics.every((metric) => catalog.items.get(metric)!.has(item));
}

const timeConstraintArb = fc.option(
  fc.tuple(fc.integer({ min: 0, max: DAYS.length - 1 }), fc.integer({ min: 0, max: DAYS.length - 1 }), fc.boolean()).map(([a, b, open]) => {
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    return open ? { start: DAYS[lo]! } : { start: DAYS[lo]!, end: DAYS[hi]! };
  }),
  { nil: undefined },
);

/** A random valid request over the manifest. */
function requestArb(catalog: Catalog): fc.Arbitrary<MetricRequest> {
  return fc.uniqueArray(fc.constantFrom(...catalog.metrics), { minLength: 1, maxLength: 3 }).chain((metrics) => {
    const candidates = [...catalog.items.get(metrics[0]!)!].filter((item) => validFor(catalog, metrics, item)).sort();
    const filters = FILTERS.filter((f) => f.items.every((item) => validFor(catalog, metrics, item)));
    const needs = metrics.map((name) => NEEDS_METRIC_TIME[name]).filter((g): g is Grain => g !== undefined);
    const maxRank = Math.min(...needs.map((g) => GRAIN_RANK[g]));
    const metricTimeArb: fc.Arbitrary<Grain | 'default' | undefined> = needs.length
      ? fc.constantFrom<Grain | 'default'>(...GRAINS.filter((g) => GRAIN_RANK[g] <= maxRank), 'default')
      : fc.option(fc.constantFrom<Grain | 'default'>(...GRAINS, 'default'), { nil: undefined });
    return fc
      .record({
        metricTime: metricTimeArb,
        groupBy: candidates.length ? fc.uniqueArray(fc.constantFrom(...candidates), { maxLength: 2 }) : fc.constant([] as string[]),
        where: filters.length ? fc.uniqueArray(fc.constantFrom(...filters.map((f) => f.where)), { maxLength: 2 }) : fc.constant([] as string[]),
        timeConstraint: timeConstraintArb,
      })
      .map(({ metricTime, groupBy, where, timeConstraint }) => {
        const items = [...groupBy];
        if (metricTime === 'default') items.unshift('metric_time');
        else if (metricTime) items.unshift(`metric_time__${metricTime}`);
        const request: MetricRequest = {
          metrics,
          ...(items.length ? { groupBy: items } : {}),
          ...(where.length ? { where } : {}),
          ...(timeConstraint ? { timeConstraint } : {}),
        };
        return request;
      });
  });
}

function describeRequest(request: MetricRequest): string {
  return JSON.stringify(request);
}

// ---------------------------------------------------------------------------------------------
// (i) never throws
// ---------------------------------------------------------------------------------------------

describe('random valid requests', () => {
  let catalog: Catalog;
  beforeAll(() => {
    catalog = buildCatalog(m.graph);
  });

  it('the catalog offers group-by items for every metric family', () => {
    expect(catalog.items.get('bookings')).toEqual(expect.any(Set));
    expect([...catalog.items.get('bookings')!]).toEqual(expect.arrayContaining(['listing__country', 'guest__home_state', 'listing__user__home_state', 'listing']));
    expect([...catalog.items.get('visit_to_buy_conversion_rate_7d')!]).toEqual(expect.arrayContaining(['user__home_state', 'user']));
    expect([...catalog.items.get('buys_per_visit')!]).toEqual(expect.arrayContaining(['user__home_state']));
  });

  it('(i) plan deterministically and run without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb(catalog), async (request) => {
        let planned;
        try {
          planned = planQuery(m.graph, request);
        } catch (error) {
          throw new Error(`planning ${describeRequest(request)} threw: ${(error as Error).message}`);
        }
        expect(planQuery(m.graph, request).sql).toEqual(planned.sql);
        try {
          const result = await m.warehouse.run(planned.sql);
          expect(result.columns.map((c) => c.name)).toEqual(planned.columns);
        } catch (error) {
          throw new Error(`running ${describeRequest(request)} threw: ${(error as Error).message}\n${planned.sql.text}`);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  // -------------------------------------------------------------------------------------------
  // (iii) naive == optimized
  // -------------------------------------------------------------------------------------------

  it('(iii) the naive plan (no passes) and the optimized plan return the same rows', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb(catalog), async (request) => {
        const optimized = await m.query(request, { passes: ALL_PASSES });
        const naive = await m.query(request, { passes: [] });
        try {
          expectSameRows(optimized, naive);
        } catch (error) {
          throw new Error(`${describeRequest(request)}: optimized (actual) vs naive (expected) differ:\n${(error as Error).message}`);
        }
      }),
      { seed: SEED + 1, numRuns: RUNS },
    );
  });

  // -------------------------------------------------------------------------------------------
  // (ii) additivity
  // -------------------------------------------------------------------------------------------

  /** SQL SUM semantics: NULL when there is no non-NULL value. */
  function sqlSum(values: readonly unknown[]): number | null {
    const numbers = values.filter((v) => v !== null && v !== undefined).map((v) => Number(v));
    return numbers.length === 0 ? null : numbers.reduce((a, b) => a + b, 0);
  }

  function additiveArb(): fc.Arbitrary<{ metric: string; dimension: string; metricTime: Grain | null; where: string[]; timeConstraint: { start: string; end?: string } | undefined }> {
    return fc.constantFrom(...ADDITIVE).chain((metric) => {
      const dimensions = [...catalog.items.get(metric)!].filter((item) => catalog.categorical.has(item) || !item.includes('__')).sort();
      const filters = FILTERS.filter((f) => f.items.every((item) => validFor(catalog, [metric], item))).map((f) => f.where);
      return fc.record({
        metric: fc.constant(metric),
        dimension: fc.constantFrom(...dimensions),
        metricTime: fc.option(fc.constantFrom(...GRAINS), { nil: null }),
        where: filters.length ? fc.uniqueArray(fc.constantFrom(...filters), { maxLength: 1 }) : fc.constant([] as string[]),
        timeConstraint: timeConstraintArb,
      });
    });
  }

  it('(ii) an additive metric grouped by a categorical dimension sums to the ungrouped total (NULL group included)', async () => {
    await fc.assert(
      fc.asyncProperty(additiveArb(), async ({ metric, dimension, metricTime, where, timeConstraint }) => {
        const time = metricTime ? [`metric_time__${metricTime}`] : [];
        const base: MetricRequest = { metrics: [metric], groupBy: time, where, ...(timeConstraint ? { timeConstraint } : {}) };
        const grouped: MetricRequest = { ...base, groupBy: [...time, dimension] };
        const totals = await m.query(base);
        const parts = await m.query(grouped);
        const key = (row: Record<string, unknown>) => (metricTime ? String(row[`metric_time__${metricTime}`]) : '');
        const expected = new Map(totals.map((row) => [key(row), row[metric] === null ? null : Number(row[metric])]));
        const byKey = new Map<string, unknown[]>();
        for (const row of parts) byKey.set(key(row), [...(byKey.get(key(row)) ?? []), row[metric]]);
        const problems: string[] = [];
        for (const k of new Set([...expected.keys(), ...byKey.keys()])) {
          const total = expected.has(k) ? expected.get(k)! : null;
          const groups = byKey.get(k) ?? [];
          const sum = sqlSum(groups);
          // No group at all: the ungrouped aggregate ran over no rows (SUM gives NULL, COUNT gives 0).
          const same =
            groups.length === 0
              ? total === null || total === 0
              : total === null || sum === null
                ? total === sum
                : Math.abs(total - sum) <= 1e-9 * Math.max(1, Math.abs(total));
          if (!same) problems.push(`${k || 'total'}: ungrouped ${total}, sum of ${byKey.get(k)?.length ?? 0} groups ${sum}`);
        }
        if (problems.length) throw new Error(`${describeRequest(grouped)}:\n  ${problems.slice(0, 6).join('\n  ')}`);
      }),
      { seed: SEED + 2, numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Counterexamples the properties found, pinned so they stay visible whatever the generator draws
// ---------------------------------------------------------------------------------------------

describe('pinned counterexamples of (iii)', () => {
  /** The group-by keys of a multi-metric query are the union of each metric's own keys. */
  async function expectUnionOfSingles(request: MetricRequest): Promise<void> {
    const keyOf = (row: Record<string, unknown>) => JSON.stringify((request.groupBy ?? []).map((g) => row[g] ?? null));
    const singles = new Set<string>();
    for (const metric of request.metrics) for (const row of await m.query({ ...request, metrics: [metric] })) singles.add(keyOf(row));
    for (const passes of [[], ALL_PASSES]) {
      const keys = (await m.query(request, { passes })).map(keyOf);
      expect({ passes: passes.length ? 'optimized' : 'naive', keys: [...new Set(keys)].sort() }).toEqual({
        passes: passes.length ? 'optimized' : 'naive',
        keys: [...singles].sort(),
      });
      expect(keys.length).toBe(new Set(keys).size);
    }
  }

  it('a conversions-only conversion metric next to one with a filtered base measure', async () => {
    const request: MetricRequest = {
      metrics: ['visit_to_buy_conversions_7d', 'listing_page_to_buy_conversion_rate'],
      groupBy: ['metric_time__day'],
      timeConstraint: { start: '2020-03-01', end: '2020-03-10' },
    };
    await expectUnionOfSingles(request);
    expectSameRows(await m.query(request, { passes: ALL_PASSES }), await m.query(request, { passes: [] }));
  });

  it('a filtered simple metric next to an offset_to_grain metric over the same measure', async () => {
    const request: MetricRequest = { metrics: ['us_bookings', 'bookings_start_of_month'], groupBy: ['metric_time__day'] };
    await expectUnionOfSingles(request);
    expectSameRows(await m.query(request, { passes: ALL_PASSES }), await m.query(request, { passes: [] }));
  });
});
