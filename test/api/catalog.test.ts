import { startTestServer, type TestServer } from '../support/server';

describe('catalog API', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  const data = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await t.gql(query, variables);
    expect(res.body.errors).toBeUndefined();
    return res.body.data;
  };

  it('lists metrics with filters and typed parameters', async () => {
    const all = await data('{ metrics { name type } }');
    expect(all.metrics.length).toBe(t.server.services.registry.current().graph.metrics.size);
    const ratios = await data('{ metrics(filter: { type: RATIO }) { name type typeParams { numerator { name } denominator { name } } } }');
    expect(ratios.metrics.length).toBeGreaterThan(0);
    for (const m of ratios.metrics) {
      expect(m.type).toBe('RATIO');
      expect(m.typeParams.numerator.name).toEqual(expect.any(String));
    }
    const search = await data('{ metrics(filter: { search: "conversion" }) { name } }');
    expect(search.metrics.map((m: { name: string }) => m.name)).toEqual(expect.arrayContaining(['visit_to_buy_conversion_rate_7d']));
  });

  it('describes a metric: inputs, measures, dimensions, grains, history', async () => {
    const { metric } = await data(`{ metric(name: "instant_booking_rate") {
      name type inputMetrics { name } measures { name agg model } queryableGranularities
      dimensions { name type model granularity } lastChangedIn history { version changeType author }
    } }`);
    expect(metric.type).toBe('RATIO');
    expect(metric.inputMetrics.map((m: { name: string }) => m.name).sort()).toEqual(['bookings', 'instant_bookings']);
    expect(metric.measures.map((m: { model: string }) => m.model)).toEqual(['bookings', 'bookings']);
    expect(metric.queryableGranularities).toEqual(['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR']);
    const names = metric.dimensions.map((d: { name: string }) => d.name);
    expect(names).toEqual(expect.arrayContaining(['metric_time', 'booking__is_instant', 'listing__country', 'listing__user__home_state', 'listing']));
    expect(metric.lastChangedIn).toBe(1);
    expect(metric.history).toEqual([{ version: 1, changeType: 'added', author: 'test' }]);
  });

  it('reads the history of every listed metric with one query', async () => {
    const spy = jest.spyOn(t.server.services.store, 'historyOf');
    try {
      const { metrics } = await data('{ metrics { name lastChangedIn history { version changeType } } }');
      expect(metrics.length).toBe(t.server.services.registry.current().graph.metrics.size);
      for (const m of metrics) expect(m).toMatchObject({ lastChangedIn: 1, history: [{ version: 1, changeType: 'added' }] });
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('answers which dimensions fit several metrics, and which metrics fit dimensions', async () => {
    const { dimensions } = await data('{ dimensions(metrics: ["bookings", "visits"]) { name } }');
    const names = dimensions.map((d: { name: string }) => d.name);
    expect(names).toContain('metric_time');
    expect(names).not.toContain('listing__country');
    const { metricsForDimensions } = await data('{ metricsForDimensions(dimensions: ["listing__country", "metric_time__month"]) { name } }');
    const metrics = metricsForDimensions.map((m: { name: string }) => m.name);
    expect(metrics).toContain('bookings');
    expect(metrics).not.toContain('visits');
  });

  it('lists distinct dimension values with a search', async () => {
    const { dimensionValues } = await data('{ dimensionValues(dimension: "listing__country", search: "U") }');
    const [expected] = await Promise.all([
      t.server.services.warehouse.run({ text: "SELECT DISTINCT country FROM marketplace.listings WHERE country ILIKE '%U%' ORDER BY 1", values: [] }),
    ]);
    expect(dimensionValues).toEqual(expected.rows.map((r) => r['country']));
  });

  it('batches the values of many metric fields into one statement with the same numbers', async () => {
    const metrics = [
      'bookings', 'booking_value', 'instant_bookings', 'max_booking_value', 'min_booking_value', 'average_booking_value',
      'bookers', 'booking_count', 'us_bookings', 'lux_booking_value', 'instant_booking_rate', 'visits', 'buys',
      'buy_value', 'listings_created', 'new_users', 'median_booking_value', 'booking_value_p90', 'non_instant_bookings', 'booking_value_per_booker',
    ];
    const fields = metrics.map((m) => `${m}: metric(name: "${m}") { values(grain: MONTH, timeConstraint: { start: "2020-01-01", end: "2020-06-30" }) { time value } }`);
    const models = new Set(metrics.flatMap((m) => t.server.services.registry.current().graph.measuresOf(m).map((r) => r.model.name)));
    expect(models.size).toBeGreaterThanOrEqual(3);
    t.server.services.warehouse.statements = 0;
    const batched = await data(`{ ${fields.join('\n')} }`);
    expect(t.server.services.warehouse.statements).toBe(1);
    for (const m of metrics) {
      const single = await data(`{ query(input: { metrics: ["${m}"], groupBy: ["metric_time__month"], timeConstraint: { start: "2020-01-01", end: "2020-06-30" } }) { rows } }`);
      const expected = single.query.rows
        .filter((r: Record<string, unknown>) => r[m] !== null)
        .map((r: Record<string, unknown>) => ({ time: r['metric_time__month'], value: r[m] === null ? null : Number(r[m]) }));
      const actual = batched[m].values.filter((p: { value: unknown }) => p.value !== null);
      expect(actual).toEqual(expected);
    }
  });
});
