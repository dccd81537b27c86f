import { marketplaceSuite } from '../support/semantics';

/**
 * Several metrics in one request: from one model with different filters, and from different
 * models (bookings, visits, buys, users, listings) combined as a full outer join on the
 * group-by keys in which NULL keys match. Each model's side is hand-written SQL aggregated on
 * its own, then combined by hand; nothing is ever joined row by row across fact tables.
 */
const { check, get } = marketplaceSuite();

const B = 'marketplace.bookings';
const BL = `marketplace.bookings b LEFT JOIN marketplace.listings l ON l.listing_id = b.listing_id`;
const GUEST = `LEFT JOIN marketplace.users g ON g.user_id = b.guest_id`;
const GUEST_COMPANY = `LEFT JOIN marketplace.companies gc ON gc.company_id = g.company_id`;
const HISTORY = `LEFT JOIN marketplace.listing_history h
  ON h.listing_id = b.listing_id AND b.ds >= h.valid_from AND (b.ds < h.valid_to OR h.valid_to IS NULL)`;

/** Join key on which NULLs match (FULL JOIN needs an equality). */
const nk = (column: string) => `coalesce(${column}::text, '<null>')`;

describe('metrics of one model with different filters', () => {
  it('computes plain and filtered bookings metrics side by side per month', () =>
    check(
      {
        metrics: ['bookings', 'us_bookings', 'instant_bookings_filtered', 'lux_booking_value', 'gold_tier_bookings', 'ca_guest_instant_bookings', 'tech_guest_bookings'],
        groupBy: ['metric_time__month'],
      },
      `SELECT date_trunc('month', b.ds)::date AS metric_time__month,
              count(*) AS bookings,
              sum(1) FILTER (WHERE l.country = 'us') AS us_bookings,
              sum(1) FILTER (WHERE b.is_instant) AS instant_bookings_filtered,
              sum(b.booking_value) FILTER (WHERE l.is_lux = true) AS lux_booking_value,
              sum(1) FILTER (WHERE h.tier = 'gold') AS gold_tier_bookings,
              sum(1) FILTER (WHERE b.is_instant AND g.home_state = 'CA') AS ca_guest_instant_bookings,
              sum(1) FILTER (WHERE gc.industry = 'technology') AS tech_guest_bookings
         FROM ${BL} ${HISTORY} ${GUEST} ${GUEST_COMPANY} GROUP BY 1`,
    ));

  it('a filtered metric is NULL (not 0) in groups none of its rows reach', () =>
    check(
      { metrics: ['bookings', 'us_bookings', 'gold_tier_bookings'], groupBy: ['listing__country'] },
      `WITH us AS (SELECT l.country AS k, count(*) AS us_bookings FROM ${BL} WHERE l.country = 'us' GROUP BY 1),
            gold AS (SELECT l.country AS k, count(*) AS gold_tier_bookings FROM ${BL} ${HISTORY} WHERE h.tier = 'gold' GROUP BY 1),
            total AS (SELECT l.country AS k, count(*) AS bookings FROM ${BL} GROUP BY 1)
       SELECT total.k AS listing__country, total.bookings, us.us_bookings, gold.gold_tier_bookings
         FROM total LEFT JOIN us ON ${nk('us.k')} = ${nk('total.k')} LEFT JOIN gold ON ${nk('gold.k')} = ${nk('total.k')}`,
    ));

  it('combines metrics of one model on different aggregation times (ds vs paid_at)', () =>
    check(
      { metrics: ['booking_value', 'paid_booking_value'], groupBy: ['metric_time__month'], timeConstraint: { start: '2020-01-01', end: '2020-03-31' } },
      `WITH bv AS (SELECT date_trunc('month', ds)::date AS k, sum(booking_value) AS booking_value FROM ${B}
                    WHERE ds BETWEEN '2020-01-01' AND '2020-03-31' GROUP BY 1),
            pv AS (SELECT date_trunc('month', paid_at)::date AS k, sum(booking_value) AS paid_booking_value FROM ${B}
                    WHERE paid_at >= '2020-01-01' AND paid_at < '2020-04-01' GROUP BY 1)
       SELECT k AS metric_time__month, bv.booking_value, pv.paid_booking_value FROM bv FULL OUTER JOIN pv USING (k)`,
    ));

  it('aggregations of every type and filtered metrics under one where and time constraint', () =>
    check(
      {
        metrics: ['bookers', 'median_booking_value', 'us_bookings', 'popular_listing_booking_value'],
        groupBy: ['booking__is_instant'],
        where: [`{{ Dimension('booking__booking_source') }} IS NOT NULL`],
        timeConstraint: { start: '2020-02-01', end: '2020-05-31' },
      },
      `WITH rows AS (SELECT b.*, l.country FROM ${BL} WHERE b.booking_source IS NOT NULL AND b.ds BETWEEN '2020-02-01' AND '2020-05-31'),
            popular AS (SELECT listing_id FROM ${B} GROUP BY 1 HAVING count(*) >= 20),
            allrows AS (SELECT is_instant AS k, count(DISTINCT guest_id) AS bookers,
                               percentile_cont(0.5) WITHIN GROUP (ORDER BY booking_value) AS median_booking_value FROM rows GROUP BY 1),
            us AS (SELECT is_instant AS k, count(*) AS us_bookings FROM rows WHERE country = 'us' GROUP BY 1),
            pop AS (SELECT is_instant AS k, sum(booking_value) AS popular_listing_booking_value FROM rows
                     WHERE listing_id IN (SELECT listing_id FROM popular) GROUP BY 1)
       SELECT allrows.k AS booking__is_instant, bookers, median_booking_value, us_bookings, popular_listing_booking_value
         FROM allrows LEFT JOIN us ON ${nk('us.k')} = ${nk('allrows.k')} LEFT JOIN pop ON ${nk('pop.k')} = ${nk('allrows.k')}`,
    ));
});

describe('metrics sharing inputs', () => {
  it('a ratio, its filtered numerator as a metric of its own and its denominator, ordered by the denominator', () =>
    check(
      { metrics: ['us_booking_share', 'us_bookings', 'bookings'], groupBy: ['metric_time__month'], orderBy: ['-bookings'] },
      `SELECT date_trunc('month', b.ds)::date AS metric_time__month,
              CAST(sum(1) FILTER (WHERE l.country = 'us') AS double precision) / count(*) AS us_booking_share,
              sum(1) FILTER (WHERE l.country = 'us') AS us_bookings, count(*) AS bookings
         FROM ${BL} GROUP BY 1 ORDER BY bookings DESC`,
      [],
      { ordered: true },
    ));

  it('a Metric()-filtered metric next to unfiltered metrics of the same model per listing', () =>
    check(
      { metrics: ['booking_value', 'popular_listing_booking_value', 'bookings'], groupBy: ['listing'] },
      `SELECT listing_id AS listing, sum(booking_value) AS booking_value,
              CASE WHEN count(*) >= 20 THEN sum(booking_value) END AS popular_listing_booking_value, count(*) AS bookings
         FROM ${B} GROUP BY 1`,
    ));

  it('a Metric() where filter on users applied to visits and buys', () =>
    check(
      { metrics: ['visits', 'buys'], groupBy: ['user__home_state'], where: [`{{ Metric('buys', group_by=['user']) }} >= 5`] },
      `WITH heavy AS (SELECT user_id FROM marketplace.buys GROUP BY 1 HAVING count(*) >= 5),
            vi AS (SELECT u.home_state AS k, count(*) AS visits FROM marketplace.visits v LEFT JOIN marketplace.users u ON u.user_id = v.user_id
                    WHERE v.user_id IN (SELECT user_id FROM heavy) GROUP BY 1),
            bu AS (SELECT u.home_state AS k, count(*) AS buys FROM marketplace.buys x LEFT JOIN marketplace.users u ON u.user_id = x.user_id
                    WHERE x.user_id IN (SELECT user_id FROM heavy) GROUP BY 1)
       SELECT coalesce(vi.k, bu.k) AS user__home_state, visits, buys FROM vi FULL OUTER JOIN bu ON ${nk('vi.k')} = ${nk('bu.k')}`,
    ));
});

describe('metrics of different models', () => {
  it('totals without a group-by (one row)', () =>
    check(
      { metrics: ['bookings', 'visits', 'buys', 'buy_value', 'new_users', 'listings_created'] },
      `SELECT (SELECT count(*) FROM ${B}) AS bookings, (SELECT count(*) FROM marketplace.visits) AS visits,
              (SELECT count(*) FROM marketplace.buys) AS buys, (SELECT sum(buy_value) FROM marketplace.buys) AS buy_value,
              (SELECT count(user_id) FROM marketplace.users) AS new_users,
              (SELECT count(DISTINCT listing_id) FROM marketplace.listings) AS listings_created`,
    ));

  it('bookings and visits per day: days of only one side are kept (full outer join)', () =>
    check(
      { metrics: ['bookings', 'visits'], groupBy: ['metric_time__day'] },
      `WITH bk AS (SELECT ds AS k, count(*) AS bookings FROM ${B} GROUP BY 1),
            vi AS (SELECT ds AS k, count(*) AS visits FROM marketplace.visits GROUP BY 1)
       SELECT k AS metric_time__day, bk.bookings, vi.visits FROM bk FULL OUTER JOIN vi USING (k)`,
    ));

  it('bookings, visits and buys per month within a time constraint', () =>
    check(
      { metrics: ['bookings', 'visits', 'buys', 'buy_value'], groupBy: ['metric_time__month'], timeConstraint: { start: '2020-01-15', end: '2020-04-14' } },
      `WITH bk AS (SELECT date_trunc('month', ds)::date AS k, count(*) AS bookings FROM ${B} WHERE ds BETWEEN '2020-01-15' AND '2020-04-14' GROUP BY 1),
            vi AS (SELECT date_trunc('month', ds)::date AS k, count(*) AS visits FROM marketplace.visits WHERE ds BETWEEN '2020-01-15' AND '2020-04-14' GROUP BY 1),
            bu AS (SELECT date_trunc('month', ds)::date AS k, count(*) AS buys, sum(buy_value) AS buy_value FROM marketplace.buys
                    WHERE ds BETWEEN '2020-01-15' AND '2020-04-14' GROUP BY 1)
       SELECT k AS metric_time__month, bookings, visits, buys, buy_value FROM bk FULL OUTER JOIN vi USING (k) FULL OUTER JOIN bu USING (k)`,
    ));

  it('bookings, new_users (signup_date) and listings_created (created_at) per month: each on its own time', () =>
    check(
      { metrics: ['bookings', 'new_users', 'listings_created'], groupBy: ['metric_time__month'] },
      `WITH bk AS (SELECT date_trunc('month', ds)::date AS k, count(*) AS bookings FROM ${B} GROUP BY 1),
            nu AS (SELECT date_trunc('month', signup_date)::date AS k, count(user_id) AS new_users FROM marketplace.users GROUP BY 1),
            lc AS (SELECT date_trunc('month', created_at)::date AS k, count(DISTINCT listing_id) AS listings_created FROM marketplace.listings GROUP BY 1)
       SELECT k AS metric_time__month, bookings, new_users, listings_created FROM bk FULL OUTER JOIN nu USING (k) FULL OUTER JOIN lc USING (k)`,
    ));

  it('bookings and new_users with metric_time without a grain take the coarsest default (week)', () =>
    check(
      { metrics: ['bookings', 'new_users'], groupBy: ['metric_time'], timeConstraint: { start: '2020-01-01', end: '2020-03-31' } },
      `WITH bk AS (SELECT date_trunc('week', ds)::date AS k, count(*) AS bookings FROM ${B} WHERE ds BETWEEN '2020-01-01' AND '2020-03-31' GROUP BY 1),
            nu AS (SELECT date_trunc('week', signup_date)::date AS k, count(user_id) AS new_users FROM marketplace.users
                    WHERE signup_date BETWEEN '2020-01-01' AND '2020-03-31' GROUP BY 1)
       SELECT k AS metric_time__week, bookings, new_users FROM bk FULL OUTER JOIN nu USING (k)`,
    ));

  it('bookings and visits by ISO day of week', () =>
    check(
      { metrics: ['bookings', 'visits'], groupBy: ['metric_time__extract_dow'] },
      `WITH bk AS (SELECT extract(isodow FROM ds)::int AS k, count(*) AS bookings FROM ${B} GROUP BY 1),
            vi AS (SELECT extract(isodow FROM ds)::int AS k, count(*) AS visits FROM marketplace.visits GROUP BY 1)
       SELECT k AS metric_time__extract_dow, bookings, visits FROM bk FULL OUTER JOIN vi USING (k)`,
    ));

  it('a where on listing dimensions and the listing entity applies to bookings (joined) and listings (local)', () =>
    check(
      {
        metrics: ['bookings', 'listings_created'],
        groupBy: ['listing__country'],
        where: [`{{ Dimension('listing__country') }} IN ('us', 'ca', 'mx')`, `{{ Entity('listing') }} <= 30`],
      },
      `WITH bk AS (SELECT l.country AS k, count(*) AS bookings FROM ${BL} WHERE l.country IN ('us', 'ca', 'mx') AND b.listing_id <= 30 GROUP BY 1),
            lc AS (SELECT country AS k, count(DISTINCT listing_id) AS listings_created FROM marketplace.listings
                    WHERE country IN ('us', 'ca', 'mx') AND listing_id <= 30 GROUP BY 1)
       SELECT k AS listing__country, bookings, listings_created FROM bk FULL OUTER JOIN lc USING (k)`,
    ));

  it('chasm trap: visits and buys by user__home_state do not multiply; NULL groups of both sides merge', () =>
    check(
      { metrics: ['visits', 'buys', 'buy_value'], groupBy: ['user__home_state'] },
      `WITH vi AS (SELECT u.home_state AS k, count(*) AS visits FROM marketplace.visits v LEFT JOIN marketplace.users u ON u.user_id = v.user_id GROUP BY 1),
            bu AS (SELECT u.home_state AS k, count(*) AS buys, sum(buy_value) AS buy_value
                     FROM marketplace.buys x LEFT JOIN marketplace.users u ON u.user_id = x.user_id GROUP BY 1)
       SELECT coalesce(vi.k, bu.k) AS user__home_state, vi.visits, bu.buys, bu.buy_value
         FROM vi FULL OUTER JOIN bu ON ${nk('vi.k')} = ${nk('bu.k')}`,
    ));

  it('returns exactly one NULL user__home_state row when both sides have NULL keys', async () => {
    const rows = await get().query({ metrics: ['visits', 'buys'], groupBy: ['user__home_state'] });
    expect(rows.filter((r) => r['user__home_state'] === null)).toHaveLength(1);
  });

  it('visits and buys by the user entity: the buyer who never visits and anonymous visits both kept', () =>
    check(
      { metrics: ['visits', 'buys'], groupBy: ['user'] },
      `WITH vi AS (SELECT user_id AS k, count(*) AS visits FROM marketplace.visits GROUP BY 1),
            bu AS (SELECT user_id AS k, count(*) AS buys FROM marketplace.buys GROUP BY 1)
       SELECT coalesce(vi.k, bu.k) AS "user", vi.visits, bu.buys FROM vi FULL OUTER JOIN bu ON ${nk('vi.k')} = ${nk('bu.k')}`,
    ));

  it('visits and buys per week and home state with a where on the shared dimension', () =>
    check(
      { metrics: ['visits', 'buys'], groupBy: ['metric_time__week', 'user__home_state'], where: [`{{ Dimension('user__home_state') }} IS NOT NULL`] },
      `WITH vi AS (SELECT date_trunc('week', v.ds)::date AS w, u.home_state AS s, count(*) AS visits
                     FROM marketplace.visits v LEFT JOIN marketplace.users u ON u.user_id = v.user_id WHERE u.home_state IS NOT NULL GROUP BY 1, 2),
            bu AS (SELECT date_trunc('week', x.ds)::date AS w, u.home_state AS s, count(*) AS buys
                     FROM marketplace.buys x LEFT JOIN marketplace.users u ON u.user_id = x.user_id WHERE u.home_state IS NOT NULL GROUP BY 1, 2)
       SELECT w AS metric_time__week, s AS user__home_state, visits, buys FROM vi FULL OUTER JOIN bu USING (w, s)`,
    ));

  it('a metric_time where filter applies to each model', () =>
    check(
      {
        metrics: ['bookings', 'buy_value'],
        groupBy: ['metric_time__quarter'],
        where: [`{{ TimeDimension('metric_time', 'month') }} >= '2020-02-01'`, `{{ TimeDimension('metric_time', 'day') }} < '2020-06-15'`],
      },
      `WITH bk AS (SELECT date_trunc('quarter', ds)::date AS k, count(*) AS bookings FROM ${B}
                    WHERE ds >= '2020-02-01' AND ds < '2020-06-15' GROUP BY 1),
            bu AS (SELECT date_trunc('quarter', ds)::date AS k, sum(buy_value) AS buy_value FROM marketplace.buys
                    WHERE ds >= '2020-02-01' AND ds < '2020-06-15' GROUP BY 1)
       SELECT k AS metric_time__quarter, bookings, buy_value FROM bk FULL OUTER JOIN bu USING (k)`,
    ));

  it('a Metric() filter applies to every model that reaches its entity (bookings and listings per listing)', () =>
    check(
      { metrics: ['booking_value', 'listings_created'], groupBy: ['listing__country'], where: [`{{ Metric('bookings', group_by=['listing']) }} > 20`] },
      `WITH popular AS (SELECT listing_id FROM ${B} GROUP BY 1 HAVING count(*) > 20),
            bk AS (SELECT l.country AS k, sum(b.booking_value) AS booking_value FROM ${BL} WHERE b.listing_id IN (SELECT listing_id FROM popular) GROUP BY 1),
            lc AS (SELECT country AS k, count(DISTINCT listing_id) AS listings_created FROM marketplace.listings
                    WHERE listing_id IN (SELECT listing_id FROM popular) GROUP BY 1)
       SELECT coalesce(bk.k, lc.k) AS listing__country, booking_value, listings_created FROM bk FULL OUTER JOIN lc ON ${nk('bk.k')} = ${nk('lc.k')}`,
    ));

  it('bookings, instant_booking_rate and listings_created by listing__country (ratio next to another model)', () =>
    check(
      { metrics: ['bookings', 'instant_booking_rate', 'listings_created'], groupBy: ['listing__country'] },
      `WITH bk AS (SELECT l.country AS k, count(*) AS bookings,
                          sum(CASE WHEN b.is_instant THEN 1 ELSE 0 END)::float8 / count(*) AS instant_booking_rate FROM ${BL} GROUP BY 1),
            lc AS (SELECT country AS k, count(DISTINCT listing_id) AS listings_created FROM marketplace.listings GROUP BY 1)
       SELECT coalesce(bk.k, lc.k) AS listing__country, bookings, instant_booking_rate, listings_created
         FROM bk FULL OUTER JOIN lc ON ${nk('bk.k')} = ${nk('lc.k')}`,
    ));
});

describe('ordering and limits across models', () => {
  it('orders by a metric of the second model descending, with a limit', () =>
    check(
      { metrics: ['bookings', 'visits'], groupBy: ['metric_time__month'], orderBy: ['-visits'], limit: 3 },
      `WITH bk AS (SELECT date_trunc('month', ds)::date AS k, count(*) AS bookings FROM ${B} GROUP BY 1),
            vi AS (SELECT date_trunc('month', ds)::date AS k, count(*) AS visits FROM marketplace.visits GROUP BY 1)
       SELECT k AS metric_time__month, bookings, visits FROM bk FULL OUTER JOIN vi USING (k) ORDER BY visits DESC LIMIT 3`,
      [],
      { ordered: true },
    ));

  it('orders by the time key by default, including days of only one side', () =>
    check(
      { metrics: ['bookings', 'buys'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-02-25', end: '2020-03-10' } },
      `WITH bk AS (SELECT ds AS k, count(*) AS bookings FROM ${B} WHERE ds BETWEEN '2020-02-25' AND '2020-03-10' GROUP BY 1),
            bu AS (SELECT ds AS k, count(*) AS buys FROM marketplace.buys WHERE ds BETWEEN '2020-02-25' AND '2020-03-10' GROUP BY 1)
       SELECT k AS metric_time__day, bookings, buys FROM bk FULL OUTER JOIN bu USING (k) ORDER BY 1`,
      [],
      { ordered: true },
    ));

  it('orders by a group-by key then limits (listings and bookings by country)', () =>
    check(
      { metrics: ['listings_created', 'bookings'], groupBy: ['listing__country'], orderBy: ['-listing__country'], limit: 4 },
      `WITH bk AS (SELECT l.country AS k, count(*) AS bookings FROM ${BL} GROUP BY 1),
            lc AS (SELECT country AS k, count(DISTINCT listing_id) AS listings_created FROM marketplace.listings GROUP BY 1)
       SELECT coalesce(bk.k, lc.k) AS listing__country, listings_created, bookings
         FROM bk FULL OUTER JOIN lc ON ${nk('bk.k')} = ${nk('lc.k')} ORDER BY 1 DESC LIMIT 4`,
      [],
      { ordered: true },
    ));
});
