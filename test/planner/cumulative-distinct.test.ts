import { join } from 'node:path';
import { loadDefinitions, readDefinitionFiles, SemanticGraph } from '../../src/definitions';
import { ALL_PASSES, planQuery, type MetricRequest } from '../../src/planner';
import { expectSameRows } from '../support/compare';
import { MARKETPLACE_DIR } from '../support/marketplace';
import { marketplaceSuite } from '../support/semantics';

const { get } = marketplaceSuite();

const EXTRA = `metrics:
  - name: cumulative_bookers
    type: cumulative
    label: Guests who ever booked
    type_params: { measure: bookers }
`;

describe('all-time distinct counts', () => {
  let graph: SemanticGraph;
  beforeAll(async () => {
    const files = await readDefinitionFiles(join(MARKETPLACE_DIR, 'models'));
    graph = new SemanticGraph(loadDefinitions([...files, { path: 'extra.yml', content: EXTRA }]));
  });

  async function check(request: MetricRequest, hand: string) {
    const expected = await get().sql(hand);
    for (const passes of [ALL_PASSES, []]) {
      const planned = planQuery(graph, request, { passes });
      expectSameRows((await get().warehouse.run(planned.sql)).rows, expected);
    }
  }

  it('counts each guest once, from their first booking on (by day)', () =>
    check(
      { metrics: ['cumulative_bookers'], groupBy: ['metric_time__day'] },
      `SELECT d::date AS metric_time__day, (SELECT count(DISTINCT guest_id) FROM marketplace.bookings b WHERE b.ds <= d::date) AS cumulative_bookers
         FROM generate_series((SELECT min(ds) FROM marketplace.bookings), (SELECT max(ds) FROM marketplace.bookings), INTERVAL '1 day') AS d`,
    ));

  it('takes the first day of each month at month grain, within a time constraint, by a dimension', () =>
    check(
      {
        metrics: ['cumulative_bookers'],
        groupBy: ['metric_time__month', 'booking__is_instant'],
        timeConstraint: { start: '2020-02-01', end: '2020-04-30' },
      },
      `WITH days AS (SELECT d::date AS d FROM generate_series(DATE '2020-02-01', DATE '2020-04-30', INTERVAL '1 day') AS d),
            daily AS (
              SELECT days.d, b.is_instant, count(DISTINCT b.guest_id) AS n
                FROM days JOIN marketplace.bookings b ON b.ds <= days.d
               GROUP BY 1, 2)
       SELECT DISTINCT date_trunc('month', d)::date AS metric_time__month, is_instant AS booking__is_instant,
              first_value(n) OVER (PARTITION BY date_trunc('month', d), is_instant ORDER BY d) AS cumulative_bookers
         FROM daily`,
    ));

  it('reads each value once per group instead of once per day', () => {
    const planned = planQuery(graph, { metrics: ['cumulative_bookers'], groupBy: ['metric_time__week'] });
    expect(planned.sql.text).toMatch(/MIN\(__metric_time_day\)/);
    expect(planned.sql.text).not.toMatch(/COUNT\(DISTINCT r\./);
  });
});
