import { marketplaceSuite } from '../support/semantics';

/**
 * Ratio metrics (plain, filtered numerator, cross-model) and derived metrics (plain, aliased
 * filtered inputs, nested derived, derived over ratio, metric-level filter), alone and in
 * combination with joins, where filters, time constraints, ordering and limits. Each input is
 * aggregated by hand on its own and combined by hand; ratios are double precision.
 */
const { check, get } = marketplaceSuite();

const B = 'marketplace.bookings';
const BL = `marketplace.bookings b LEFT JOIN marketplace.listings l ON l.listing_id = b.listing_id`;
const GUEST = `LEFT JOIN marketplace.users g ON g.user_id = b.guest_id`;
const GUEST_COMPANY = `LEFT JOIN marketplace.companies gc ON gc.company_id = g.company_id`;
const OWNER = `LEFT JOIN marketplace.users o ON o.user_id = l.user_id`;
const HISTORY = `LEFT JOIN marketplace.listing_history h
  ON h.listing_id = b.listing_id AND b.ds >= h.valid_from AND (b.ds < h.valid_to OR h.valid_to IS NULL)`;

const INSTANT = `sum(CASE WHEN b.is_instant THEN 1 ELSE 0 END)`;
const nk = (column: string) => `coalesce(${column}::text, '<null>')`;
const div = (a: string, b: string) => `CAST(${a} AS double precision) / NULLIF(${b}, 0)`;

describe('ratio metrics', () => {
  it('instant_booking_rate over everything is a double, never an integer division', async () => {
    await check({ metrics: ['instant_booking_rate'] }, `SELECT ${div(INSTANT, 'count(*)')} AS instant_booking_rate FROM ${B} b`);
    const rows = await get().query({ metrics: ['instant_booking_rate'] });
    const value = Number(rows[0]!['instant_booking_rate']);
    expect(value).toBeGreaterThan(0.3);
    expect(value).toBeLessThan(0.6);
  });

  it('instant_booking_rate per month (NULL is_instant stays in the denominator)', () =>
    check(
      { metrics: ['instant_booking_rate', 'instant_bookings', 'bookings'], groupBy: ['metric_time__month'] },
      `SELECT date_trunc('month', b.ds)::date AS metric_time__month, ${div(INSTANT, 'count(*)')} AS instant_booking_rate,
              ${INSTANT} AS instant_bookings, count(*) AS bookings
         FROM ${B} b GROUP BY 1`,
    ));

  it('instant_booking_rate per listing country with a where and a time constraint', () =>
    check(
      {
        metrics: ['instant_booking_rate'],
        groupBy: ['listing__country'],
        where: [`{{ Dimension('booking__booking_source') }} IN ('web', 'ios')`],
        timeConstraint: { start: '2020-01-01', end: '2020-04-30' },
      },
      `SELECT l.country AS listing__country, ${div(INSTANT, 'count(*)')} AS instant_booking_rate FROM ${BL}
        WHERE b.booking_source IN ('web', 'ios') AND b.ds BETWEEN '2020-01-01' AND '2020-04-30' GROUP BY 1`,
    ));

  it('booking_value_per_booker per guest home state (sum over count distinct)', () =>
    check(
      { metrics: ['booking_value_per_booker'], groupBy: ['guest__home_state'] },
      `SELECT g.home_state AS guest__home_state, ${div('sum(b.booking_value)', 'count(DISTINCT b.guest_id)')} AS booking_value_per_booker
         FROM ${B} b ${GUEST} GROUP BY 1`,
    ));

  it('booking_value_per_booker per two-hop industry within a time constraint', () =>
    check(
      { metrics: ['booking_value_per_booker', 'bookers'], groupBy: ['guest__company__industry'], timeConstraint: { start: '2020-03-01', end: '2020-06-30' } },
      `SELECT gc.industry AS guest__company__industry, ${div('sum(b.booking_value)', 'count(DISTINCT b.guest_id)')} AS booking_value_per_booker,
              count(DISTINCT b.guest_id) AS bookers
         FROM ${B} b ${GUEST} ${GUEST_COMPANY} WHERE b.ds BETWEEN '2020-03-01' AND '2020-06-30' GROUP BY 1`,
    ));

  it('booking_value_per_booking differs from average_booking_value (NULL values count in the denominator)', () =>
    check(
      { metrics: ['booking_value_per_booking', 'average_booking_value'], groupBy: ['booking__is_instant'] },
      `SELECT is_instant AS booking__is_instant, ${div('sum(booking_value)', 'count(booking_id)')} AS booking_value_per_booking,
              avg(booking_value) AS average_booking_value
         FROM ${B} GROUP BY 1`,
    ));

  it('us_booking_share (filtered numerator) per month', () =>
    check(
      { metrics: ['us_booking_share'], groupBy: ['metric_time__month'] },
      `SELECT date_trunc('month', b.ds)::date AS metric_time__month, ${div(`sum(1) FILTER (WHERE l.country = 'us')`, 'count(*)')} AS us_booking_share
         FROM ${BL} GROUP BY 1`,
    ));

  it('us_booking_share per listing country: 1 for us, NULL where no numerator rows exist', () =>
    check(
      { metrics: ['us_booking_share'], groupBy: ['listing__country'] },
      `WITH num AS (SELECT l.country AS k, count(*) AS n FROM ${BL} WHERE l.country = 'us' GROUP BY 1),
            den AS (SELECT l.country AS k, count(*) AS d FROM ${BL} GROUP BY 1)
       SELECT den.k AS listing__country, ${div('num.n', 'den.d')} AS us_booking_share FROM den LEFT JOIN num ON ${nk('num.k')} = ${nk('den.k')}`,
    ));

  it('us_booking_share per quarter and guest home state with a where on booking source and a time constraint', () =>
    check(
      {
        metrics: ['us_booking_share', 'bookings'],
        groupBy: ['metric_time__quarter', 'guest__home_state'],
        where: [`{{ Dimension('booking__booking_source') }} <> 'partner_api'`],
        timeConstraint: { start: '2019-12-15', end: '2020-05-15' },
      },
      `SELECT date_trunc('quarter', b.ds)::date AS metric_time__quarter, g.home_state AS guest__home_state,
              ${div(`sum(1) FILTER (WHERE l.country = 'us')`, 'count(*)')} AS us_booking_share, count(*) AS bookings
         FROM ${BL} ${GUEST}
        WHERE b.booking_source <> 'partner_api' AND b.ds BETWEEN '2019-12-15' AND '2020-05-15' GROUP BY 1, 2`,
    ));

  it('us_booking_share per SCD tier with a two-hop where filter', () =>
    check(
      { metrics: ['us_booking_share'], groupBy: ['listing__tier'], where: [`{{ Dimension('guest__company__industry') }} IS NOT NULL`] },
      `SELECT h.tier AS listing__tier, ${div(`sum(1) FILTER (WHERE l.country = 'us')`, 'count(*)')} AS us_booking_share
         FROM ${BL} ${HISTORY} ${GUEST} ${GUEST_COMPANY} WHERE gc.industry IS NOT NULL GROUP BY 1`,
    ));

  it('buys_per_visit (cross-model ratio) per month', () =>
    check(
      { metrics: ['buys_per_visit'], groupBy: ['metric_time__month'] },
      `WITH bu AS (SELECT date_trunc('month', ds)::date AS k, count(*) AS n FROM marketplace.buys GROUP BY 1),
            vi AS (SELECT date_trunc('month', ds)::date AS k, count(*) AS d FROM marketplace.visits GROUP BY 1)
       SELECT k AS metric_time__month, ${div('bu.n', 'vi.d')} AS buys_per_visit FROM bu FULL OUTER JOIN vi USING (k)`,
    ));

  it('buys_per_visit per user: NULL for the buyer who never visits and for anonymous visits', () =>
    check(
      { metrics: ['buys_per_visit', 'buys', 'visits'], groupBy: ['user'] },
      `WITH bu AS (SELECT user_id AS k, count(*) AS n FROM marketplace.buys GROUP BY 1),
            vi AS (SELECT user_id AS k, count(*) AS d FROM marketplace.visits GROUP BY 1)
       SELECT coalesce(bu.k, vi.k) AS "user", ${div('bu.n', 'vi.d')} AS buys_per_visit, bu.n AS buys, vi.d AS visits
         FROM bu FULL OUTER JOIN vi ON ${nk('bu.k')} = ${nk('vi.k')}`,
    ));

  it('buys_per_visit per user home state with a time constraint', () =>
    check(
      { metrics: ['buys_per_visit'], groupBy: ['user__home_state'], timeConstraint: { start: '2020-02-01', end: '2020-05-31' } },
      `WITH bu AS (SELECT u.home_state AS k, count(*) AS n FROM marketplace.buys x LEFT JOIN marketplace.users u ON u.user_id = x.user_id
                    WHERE x.ds BETWEEN '2020-02-01' AND '2020-05-31' GROUP BY 1),
            vi AS (SELECT u.home_state AS k, count(*) AS d FROM marketplace.visits v LEFT JOIN marketplace.users u ON u.user_id = v.user_id
                    WHERE v.ds BETWEEN '2020-02-01' AND '2020-05-31' GROUP BY 1)
       SELECT coalesce(bu.k, vi.k) AS user__home_state, ${div('bu.n', 'vi.d')} AS buys_per_visit
         FROM bu FULL OUTER JOIN vi ON ${nk('bu.k')} = ${nk('vi.k')}`,
    ));

  it('orders by a ratio descending with a limit', () =>
    check(
      { metrics: ['instant_booking_rate'], groupBy: ['metric_time__month'], orderBy: ['-instant_booking_rate'], limit: 3 },
      `SELECT date_trunc('month', b.ds)::date AS metric_time__month, ${div(INSTANT, 'count(*)')} AS instant_booking_rate
         FROM ${B} b GROUP BY 1 ORDER BY 2 DESC LIMIT 3`,
      [],
      { ordered: true },
    ));
});

describe('derived metrics', () => {
  it('non_instant_bookings includes bookings whose is_instant is unknown', () =>
    check(
      { metrics: ['non_instant_bookings'], groupBy: ['booking__is_instant'] },
      `SELECT is_instant AS booking__is_instant, count(*) - sum(CASE WHEN is_instant THEN 1 ELSE 0 END) AS non_instant_bookings FROM ${B} GROUP BY 1`,
    ));

  it('non_instant_bookings per two-hop owner state with a time constraint', () =>
    check(
      { metrics: ['non_instant_bookings', 'bookings'], groupBy: ['listing__user__home_state'], timeConstraint: { start: '2020-01-01', end: '2020-02-29' } },
      `SELECT o.home_state AS listing__user__home_state, count(*) - ${INSTANT} AS non_instant_bookings, count(*) AS bookings
         FROM ${BL} ${OWNER} WHERE b.ds BETWEEN '2020-01-01' AND '2020-02-29' GROUP BY 1`,
    ));

  it('booking_value_minus_instant (aliased input with its own filter) per month', () =>
    check(
      { metrics: ['booking_value_minus_instant'], groupBy: ['metric_time__month'] },
      `SELECT date_trunc('month', ds)::date AS metric_time__month,
              sum(booking_value) - sum(booking_value) FILTER (WHERE is_instant) AS booking_value_minus_instant
         FROM ${B} GROUP BY 1`,
    ));

  it('booking_value_minus_instant per is_instant: NULL where the filtered input has no rows', () =>
    check(
      { metrics: ['booking_value_minus_instant', 'booking_value'], groupBy: ['booking__is_instant'] },
      `WITH allv AS (SELECT is_instant AS k, sum(booking_value) AS v FROM ${B} GROUP BY 1),
            inst AS (SELECT is_instant AS k, sum(booking_value) AS v FROM ${B} WHERE is_instant GROUP BY 1)
       SELECT allv.k AS booking__is_instant, allv.v - inst.v AS booking_value_minus_instant, allv.v AS booking_value
         FROM allv LEFT JOIN inst ON ${nk('inst.k')} = ${nk('allv.k')}`,
    ));

  it('non_instant_booking_share (derived over derived) per listing country', () =>
    check(
      { metrics: ['non_instant_booking_share'], groupBy: ['listing__country'] },
      `SELECT l.country AS listing__country, ${div(`(count(*) - ${INSTANT}) * 1.0`, 'count(*)')} AS non_instant_booking_share
         FROM ${BL} GROUP BY 1`,
    ));

  it('non_instant_booking_share per is_instant with a where on a joined dimension', () =>
    check(
      { metrics: ['non_instant_booking_share', 'non_instant_bookings'], groupBy: ['booking__is_instant'], where: [`{{ Dimension('listing__is_lux') }} = false`] },
      `SELECT b.is_instant AS booking__is_instant, ${div(`(count(*) - ${INSTANT}) * 1.0`, 'count(*)')} AS non_instant_booking_share,
              count(*) - ${INSTANT} AS non_instant_bookings
         FROM ${BL} WHERE l.is_lux = false GROUP BY 1`,
    ));

  it('instant_booking_rate_pct (derived over ratio) per month', () =>
    check(
      { metrics: ['instant_booking_rate_pct', 'instant_booking_rate'], groupBy: ['metric_time__month'] },
      `SELECT date_trunc('month', b.ds)::date AS metric_time__month, ${div(INSTANT, 'count(*)')} * 100 AS instant_booking_rate_pct,
              ${div(INSTANT, 'count(*)')} AS instant_booking_rate
         FROM ${B} b GROUP BY 1`,
    ));

  it('instant_booking_rate_pct per SCD tier and listing country with a where filter and a time constraint', () =>
    check(
      {
        metrics: ['instant_booking_rate_pct'],
        groupBy: ['listing__tier', 'listing__country'],
        where: [`{{ Dimension('guest__home_state') }} IN ('CA', 'NY', 'IL')`],
        timeConstraint: { start: '2020-01-10', end: '2020-05-20' },
      },
      `SELECT h.tier AS listing__tier, l.country AS listing__country, ${div(INSTANT, 'count(*)')} * 100 AS instant_booking_rate_pct
         FROM ${BL} ${HISTORY} ${GUEST}
        WHERE g.home_state IN ('CA', 'NY', 'IL') AND b.ds BETWEEN '2020-01-10' AND '2020-05-20' GROUP BY 1, 2`,
    ));

  it('us_non_instant_bookings (metric-level filter pushed into both inputs) per month', () =>
    check(
      { metrics: ['us_non_instant_bookings'], groupBy: ['metric_time__month'] },
      `SELECT date_trunc('month', b.ds)::date AS metric_time__month, count(*) - ${INSTANT} AS us_non_instant_bookings
         FROM ${BL} WHERE l.country = 'us' GROUP BY 1`,
    ));

  it('us_non_instant_bookings per listing country has only the us row', () =>
    check(
      { metrics: ['us_non_instant_bookings'], groupBy: ['listing__country'] },
      `SELECT l.country AS listing__country, count(*) - ${INSTANT} AS us_non_instant_bookings FROM ${BL} WHERE l.country = 'us' GROUP BY 1`,
    ));

  it('us_non_instant_bookings next to bookings per country: the derived filter does not leak into bookings', () =>
    check(
      { metrics: ['bookings', 'us_non_instant_bookings'], groupBy: ['listing__country'] },
      `SELECT l.country AS listing__country, count(*) AS bookings,
              CASE WHEN l.country = 'us' THEN count(*) - ${INSTANT} END AS us_non_instant_bookings
         FROM ${BL} GROUP BY 1`,
    ));
});

describe('ratio, derived and simple metrics together', () => {
  it('per month: ratio, derived over derived, cross-model ratio and simple metrics of two models', () =>
    check(
      { metrics: ['instant_booking_rate', 'non_instant_booking_share', 'buys_per_visit', 'bookings', 'visits'], groupBy: ['metric_time__month'] },
      `WITH bk AS (SELECT date_trunc('month', b.ds)::date AS k, ${div(INSTANT, 'count(*)')} AS instant_booking_rate,
                          ${div(`(count(*) - ${INSTANT}) * 1.0`, 'count(*)')} AS non_instant_booking_share, count(*) AS bookings
                     FROM ${B} b GROUP BY 1),
            bu AS (SELECT date_trunc('month', ds)::date AS k, count(*) AS buys FROM marketplace.buys GROUP BY 1),
            vi AS (SELECT date_trunc('month', ds)::date AS k, count(*) AS visits FROM marketplace.visits GROUP BY 1)
       SELECT k AS metric_time__month, instant_booking_rate, non_instant_booking_share, ${div('buys', 'visits')} AS buys_per_visit, bookings, visits
         FROM bk FULL OUTER JOIN bu USING (k) FULL OUTER JOIN vi USING (k)`,
    ));

  it('ratio over a filtered simple metric, grouped by a joined dimension, with a where and a time constraint', () =>
    check(
      {
        metrics: ['us_booking_share', 'instant_booking_rate', 'us_bookings', 'booking_value_minus_instant'],
        groupBy: ['listing__user__home_state', 'metric_time__quarter'],
        where: [`{{ Dimension('booking__booking_source') }} IN ('web', 'ios', 'android')`, `{{ Dimension('listing__is_lux') }} IS NOT NULL`],
        timeConstraint: { start: '2020-01-01', end: '2020-06-30' },
      },
      `WITH r AS (SELECT b.*, l.country, o.home_state FROM ${BL} ${OWNER}
                   WHERE b.booking_source IN ('web', 'ios', 'android') AND l.is_lux IS NOT NULL AND b.ds BETWEEN '2020-01-01' AND '2020-06-30')
       SELECT home_state AS listing__user__home_state, date_trunc('quarter', ds)::date AS metric_time__quarter,
              ${div(`sum(1) FILTER (WHERE country = 'us')`, 'count(*)')} AS us_booking_share,
              ${div('sum(CASE WHEN is_instant THEN 1 ELSE 0 END)', 'count(*)')} AS instant_booking_rate,
              sum(1) FILTER (WHERE country = 'us') AS us_bookings,
              sum(booking_value) - sum(booking_value) FILTER (WHERE is_instant) AS booking_value_minus_instant
         FROM r GROUP BY 1, 2`,
    ));

  it('derived and ratio metrics with a Metric() where filter, ordered by the derived metric', () =>
    check(
      {
        metrics: ['non_instant_bookings', 'booking_value_per_booking'],
        groupBy: ['listing'],
        where: [`{{ Metric('bookings', group_by=['listing']) }} >= 10`],
        orderBy: ['-non_instant_bookings', 'listing'],
        limit: 5,
      },
      `SELECT listing_id AS listing, count(*) - sum(CASE WHEN is_instant THEN 1 ELSE 0 END) AS non_instant_bookings,
              ${div('sum(booking_value)', 'count(booking_id)')} AS booking_value_per_booking
         FROM ${B} WHERE listing_id IN (SELECT listing_id FROM ${B} GROUP BY 1 HAVING count(*) >= 10)
        GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5`,
      [],
      { ordered: true },
    ));

  it('ratio values come back as numbers of double precision (not numeric strings)', async () => {
    const rows = await get().query({ metrics: ['booking_value_per_booker', 'instant_booking_rate_pct'], groupBy: ['metric_time__year'] });
    for (const row of rows) {
      expect(typeof row['booking_value_per_booker']).toBe('number');
      expect(typeof row['instant_booking_rate_pct']).toBe('number');
    }
  });
});
