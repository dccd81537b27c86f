import { marketplaceSuite } from '../support/semantics';

/**
 * Group-by items reached through joins: one hop, two hops, role-playing entities, the SCD
 * type II listing history, orphans under LEFT JOINs, entities reached through joins,
 * dimension-only queries, and the fan trap. Expected rows are hand-written SQL.
 */
const { check, get } = marketplaceSuite();

const B = 'marketplace.bookings';
const BL = `marketplace.bookings b LEFT JOIN marketplace.listings l ON l.listing_id = b.listing_id`;
const GUEST = `LEFT JOIN marketplace.users g ON g.user_id = b.guest_id`;
const HOST = `LEFT JOIN marketplace.users hu ON hu.user_id = b.host_id`;
const GUEST_COMPANY = `LEFT JOIN marketplace.companies gc ON gc.company_id = g.company_id`;
const OWNER = `LEFT JOIN marketplace.users o ON o.user_id = l.user_id`;
const HISTORY = `LEFT JOIN marketplace.listing_history h
  ON h.listing_id = b.listing_id AND b.ds >= h.valid_from AND (b.ds < h.valid_to OR h.valid_to IS NULL)`;

describe('one hop', () => {
  it('groups by listing__country: orphans and NULL countries share the NULL group', () =>
    check(
      { metrics: ['bookings', 'booking_value', 'bookers', 'instant_bookings'], groupBy: ['listing__country'] },
      `SELECT l.country AS listing__country, count(*) AS bookings, sum(b.booking_value) AS booking_value,
              count(DISTINCT b.guest_id) AS bookers, sum(CASE WHEN b.is_instant THEN 1 ELSE 0 END) AS instant_bookings
         FROM ${BL} GROUP BY 1`,
    ));

  it('orders by listing__country by default (NULLs last)', () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing__country'] },
      `SELECT l.country AS listing__country, count(*) AS bookings FROM ${BL} GROUP BY 1 ORDER BY 1`,
      [],
      { ordered: true },
    ));

  it('groups by a joined boolean, a joined integer and a computed dimension', () =>
    check(
      { metrics: ['bookings', 'average_booking_value'], groupBy: ['listing__is_lux', 'listing__capacity', 'listing__is_large'] },
      `SELECT l.is_lux AS listing__is_lux, l.capacity AS listing__capacity, l.capacity >= 6 AS listing__is_large,
              count(*) AS bookings, avg(b.booking_value) AS average_booking_value
         FROM ${BL} GROUP BY 1, 2, 3`,
    ));

  it('orders a joined integer numerically (capacity 10 and 12 after 2), descending by metric then key', () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing__capacity'], orderBy: ['-listing__capacity'] },
      `SELECT l.capacity AS listing__capacity, count(*) AS bookings FROM ${BL} GROUP BY 1 ORDER BY 1 DESC`,
      [],
      { ordered: true },
    ));

  it('groups by metric_time and a joined dimension within a time constraint', () =>
    check(
      { metrics: ['bookings', 'median_booking_value'], groupBy: ['metric_time__month', 'listing__country'], timeConstraint: { start: '2020-02-01', end: '2020-04-30' } },
      `SELECT date_trunc('month', b.ds)::date AS metric_time__month, l.country AS listing__country, count(*) AS bookings,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY b.booking_value) AS median_booking_value
         FROM ${BL} WHERE b.ds BETWEEN '2020-02-01' AND '2020-04-30' GROUP BY 1, 2`,
    ));

  it('groups by a joined time dimension (listing__created_at at month)', () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing__created_at__month'] },
      `SELECT date_trunc('month', l.created_at)::date AS listing__created_at__month, count(*) AS bookings FROM ${BL} GROUP BY 1`,
    ));

  it('groups by a joined time dimension date part (listing__created_at__extract_year)', () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing__created_at__extract_year'] },
      `SELECT extract(year FROM l.created_at)::int AS listing__created_at__extract_year, count(*) AS bookings FROM ${BL} GROUP BY 1`,
    ));

  it('keeps orphans in their own listing groups next to joined columns', () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing', 'listing__country'], where: [`{{ Entity('listing') }} > 55`] },
      `SELECT b.listing_id AS listing, l.country AS listing__country, count(*) AS bookings FROM ${BL} WHERE b.listing_id > 55 GROUP BY 1, 2`,
    ));

  it('groups by a joined dimension with a where on another joined model', () =>
    check(
      { metrics: ['bookings', 'booking_value'], groupBy: ['guest__home_state'], where: [`{{ Dimension('listing__country') }} = 'us'`] },
      `SELECT g.home_state AS guest__home_state, count(*) AS bookings, sum(b.booking_value) AS booking_value
         FROM ${BL} ${GUEST} WHERE l.country = 'us' GROUP BY 1`,
    ));
});

describe('role-playing entities', () => {
  it('groups by guest__home_state (average and median)', () =>
    check(
      { metrics: ['average_booking_value', 'median_booking_value', 'bookers'], groupBy: ['guest__home_state'] },
      `SELECT g.home_state AS guest__home_state, avg(b.booking_value) AS average_booking_value,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY b.booking_value) AS median_booking_value, count(DISTINCT b.guest_id) AS bookers
         FROM ${B} b ${GUEST} GROUP BY 1`,
    ));

  it('groups by guest and host home states at once (two joins to the same table)', () =>
    check(
      { metrics: ['bookings', 'booking_value'], groupBy: ['guest__home_state', 'host__home_state'] },
      `SELECT g.home_state AS guest__home_state, hu.home_state AS host__home_state, count(*) AS bookings, sum(b.booking_value) AS booking_value
         FROM ${B} b ${GUEST} ${HOST} GROUP BY 1, 2`,
    ));

  it('host is the booking host, not the listing owner (listing__user__home_state differs in 5 rows)', () =>
    check(
      { metrics: ['bookings'], groupBy: ['host__home_state', 'listing__user__home_state'] },
      `SELECT hu.home_state AS host__home_state, o.home_state AS listing__user__home_state, count(*) AS bookings
         FROM ${BL} ${HOST} ${OWNER} GROUP BY 1, 2`,
    ));

  it('groups by a guest time dimension (guest__signup_date__month)', () =>
    check(
      { metrics: ['bookers'], groupBy: ['guest__signup_date__month'] },
      `SELECT date_trunc('month', g.signup_date)::date AS guest__signup_date__month, count(DISTINCT b.guest_id) AS bookers
         FROM ${B} b ${GUEST} GROUP BY 1`,
    ));
});

describe('two hops', () => {
  it('groups by listing__user__home_state (owner of the listing)', () =>
    check(
      { metrics: ['bookings', 'booking_value'], groupBy: ['listing__user__home_state'] },
      `SELECT o.home_state AS listing__user__home_state, count(*) AS bookings, sum(b.booking_value) AS booking_value
         FROM ${BL} ${OWNER} GROUP BY 1`,
    ));

  it('groups by guest__company__industry (no company, missing company 99, NULL industry all NULL)', () =>
    check(
      { metrics: ['bookings', 'bookers'], groupBy: ['guest__company__industry'] },
      `SELECT gc.industry AS guest__company__industry, count(*) AS bookings, count(DISTINCT b.guest_id) AS bookers
         FROM ${B} b ${GUEST} ${GUEST_COMPANY} GROUP BY 1`,
    ));

  it('groups by two-hop dimensions of both roles plus metric_time', () =>
    check(
      { metrics: ['bookings'], groupBy: ['metric_time__quarter', 'guest__company__company_name', 'listing__user__home_state'] },
      `SELECT date_trunc('quarter', b.ds)::date AS metric_time__quarter, gc.company_name AS guest__company__company_name,
              o.home_state AS listing__user__home_state, count(*) AS bookings
         FROM ${BL} ${OWNER} ${GUEST} ${GUEST_COMPANY} GROUP BY 1, 2, 3`,
    ));

  it('groups by entities reached through joins (guest__company, listing__user)', () =>
    check(
      { metrics: ['bookings'], groupBy: ['guest__company', 'listing__user'] },
      `SELECT g.company_id AS guest__company, l.user_id AS listing__user, count(*) AS bookings
         FROM ${BL} ${GUEST} GROUP BY 1, 2`,
    ));

  it('groups by a two-hop dimension with a where on a one-hop dimension and a time constraint', () =>
    check(
      {
        metrics: ['bookings', 'max_booking_value'],
        groupBy: ['guest__company__industry'],
        where: [`{{ Dimension('listing__is_lux') }} = false`],
        timeConstraint: { start: '2020-01-01', end: '2020-03-31' },
      },
      `SELECT gc.industry AS guest__company__industry, count(*) AS bookings, max(b.booking_value) AS max_booking_value
         FROM ${BL} ${GUEST} ${GUEST_COMPANY}
        WHERE l.is_lux = false AND b.ds BETWEEN '2020-01-01' AND '2020-03-31' GROUP BY 1`,
    ));
});

describe('SCD type II (listing_history)', () => {
  it('groups by listing__tier as of the booking date; bookings outside every window get NULL', () =>
    check(
      { metrics: ['bookings', 'booking_value'], groupBy: ['listing__tier'] },
      `SELECT h.tier AS listing__tier, count(*) AS bookings, sum(b.booking_value) AS booking_value FROM ${B} b ${HISTORY} GROUP BY 1`,
    ));

  it('never doubles bookings (400 in total across tiers)', async () => {
    const rows = await get().query({ metrics: ['bookings'], groupBy: ['listing__tier'] });
    expect(rows.reduce((sum, r) => sum + Number(r['bookings']), 0)).toBe(400);
  });

  it('groups by listing__tier per month (bookings on change days take the new tier)', () =>
    check(
      { metrics: ['bookings'], groupBy: ['metric_time__month', 'listing__tier'] },
      `SELECT date_trunc('month', b.ds)::date AS metric_time__month, h.tier AS listing__tier, count(*) AS bookings
         FROM ${B} b ${HISTORY} GROUP BY 1, 2`,
    ));

  it('groups by listing__tier and listing__country together (SCD and plain join)', () =>
    check(
      { metrics: ['bookings', 'instant_bookings'], groupBy: ['listing__tier', 'listing__country'] },
      `SELECT h.tier AS listing__tier, l.country AS listing__country, count(*) AS bookings,
              sum(CASE WHEN b.is_instant THEN 1 ELSE 0 END) AS instant_bookings
         FROM ${BL} ${HISTORY} GROUP BY 1, 2`,
    ));

  it('groups gold_tier_bookings by listing__country', () =>
    check(
      { metrics: ['gold_tier_bookings'], groupBy: ['listing__country'] },
      `SELECT l.country AS listing__country, count(*) AS gold_tier_bookings FROM ${BL} ${HISTORY} WHERE h.tier = 'gold' GROUP BY 1`,
    ));

  it('matches the validity window on the measure aggregation time (paid_booking_value on paid_at)', () =>
    check(
      { metrics: ['paid_booking_value'], groupBy: ['listing__tier'], timeConstraint: { start: '2020-01-01', end: '2020-06-30' } },
      `SELECT h.tier AS listing__tier, sum(b.booking_value) AS paid_booking_value
         FROM ${B} b LEFT JOIN marketplace.listing_history h
           ON h.listing_id = b.listing_id AND b.paid_at >= h.valid_from AND (b.paid_at < h.valid_to OR h.valid_to IS NULL)
        WHERE b.paid_at >= '2020-01-01' AND b.paid_at < '2020-07-01' GROUP BY 1`,
    ));

  it('keeps each measure on its own validity time when two measures of one model share the SCD join (ds vs paid_at)', () =>
    check(
      { metrics: ['booking_value', 'paid_booking_value'], groupBy: ['listing__tier'], where: [`{{ Dimension('booking__paid_at') }} IS NOT NULL`] },
      `WITH bv AS (SELECT h.tier AS k, sum(b.booking_value) AS v FROM ${B} b ${HISTORY} WHERE b.paid_at IS NOT NULL GROUP BY 1),
            pv AS (SELECT h.tier AS k, sum(b.booking_value) AS v FROM ${B} b LEFT JOIN marketplace.listing_history h
                     ON h.listing_id = b.listing_id AND b.paid_at >= h.valid_from AND (b.paid_at < h.valid_to OR h.valid_to IS NULL)
                    WHERE b.paid_at IS NOT NULL GROUP BY 1)
       SELECT coalesce(bv.k, pv.k) AS listing__tier, bv.v AS booking_value, pv.v AS paid_booking_value
         FROM bv FULL OUTER JOIN pv ON coalesce(bv.k, '<null>') = coalesce(pv.k, '<null>')`,
    ));

  it('groups listing 34 bookings by tier (two bookings before its history starts)', () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing', 'listing__tier'], where: [`{{ Entity('listing') }} IN (1, 2, 34)`] },
      `SELECT b.listing_id AS listing, h.tier AS listing__tier, count(*) AS bookings FROM ${B} b ${HISTORY}
        WHERE b.listing_id IN (1, 2, 34) GROUP BY 1, 2`,
    ));
});

describe('orphans', () => {
  it('keeps orphan bookings under every joined group-by (NULL group)', () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing__is_lux'] },
      `SELECT l.is_lux AS listing__is_lux, count(*) AS bookings FROM ${BL} GROUP BY 1`,
    ));

  it('keeps orphan bookings two hops away', () =>
    check(
      { metrics: ['booking_value'], groupBy: ['listing__user__home_state', 'listing__is_lux'] },
      `SELECT o.home_state AS listing__user__home_state, l.is_lux AS listing__is_lux, sum(b.booking_value) AS booking_value
         FROM ${BL} ${OWNER} GROUP BY 1, 2`,
    ));
});

describe('listings-based metrics', () => {
  it('groups listings_created by its own dimension (listing__country) and owner state', () =>
    check(
      { metrics: ['listings_created'], groupBy: ['listing__country', 'user__home_state'] },
      `SELECT l.country AS listing__country, u.home_state AS user__home_state, count(DISTINCT l.listing_id) AS listings_created
         FROM marketplace.listings l LEFT JOIN marketplace.users u ON u.user_id = l.user_id GROUP BY 1, 2`,
    ));

  it('groups listings_created by quarter and its own integer dimension', () =>
    check(
      { metrics: ['listings_created'], groupBy: ['metric_time__quarter', 'listing__capacity'] },
      `SELECT date_trunc('quarter', created_at)::date AS metric_time__quarter, capacity AS listing__capacity, count(DISTINCT listing_id) AS listings_created
         FROM marketplace.listings GROUP BY 1, 2`,
    ));
});

describe('fan trap', () => {
  it('bookings and listings_created by listing__country do not multiply', () =>
    check(
      { metrics: ['bookings', 'listings_created'], groupBy: ['listing__country'] },
      `WITH bk AS (SELECT l.country AS k, count(*) AS bookings FROM ${BL} GROUP BY 1),
            lc AS (SELECT country AS k, count(DISTINCT listing_id) AS listings_created FROM marketplace.listings GROUP BY 1)
       SELECT coalesce(bk.k, lc.k) AS listing__country, bk.bookings, lc.listings_created
         FROM bk FULL OUTER JOIN lc ON coalesce(bk.k::text, '<null>') = coalesce(lc.k::text, '<null>')`,
    ));

  it('booking_value and listings_created by listing__is_lux (orphan NULL group only on the bookings side)', () =>
    check(
      { metrics: ['booking_value', 'listings_created'], groupBy: ['listing__is_lux'] },
      `WITH bk AS (SELECT l.is_lux AS k, sum(b.booking_value) AS booking_value FROM ${BL} GROUP BY 1),
            lc AS (SELECT is_lux AS k, count(DISTINCT listing_id) AS listings_created FROM marketplace.listings GROUP BY 1)
       SELECT coalesce(bk.k, lc.k) AS listing__is_lux, bk.booking_value, lc.listings_created
         FROM bk FULL OUTER JOIN lc ON coalesce(bk.k::text, '<null>') = coalesce(lc.k::text, '<null>')`,
    ));

  it('listings_created by listing keeps unbooked listings; bookings keeps orphans', () =>
    check(
      { metrics: ['bookings', 'listings_created'], groupBy: ['listing'] },
      `WITH bk AS (SELECT listing_id AS k, count(*) AS bookings FROM ${B} GROUP BY 1),
            lc AS (SELECT listing_id AS k, count(DISTINCT listing_id) AS listings_created FROM marketplace.listings GROUP BY 1)
       SELECT coalesce(bk.k, lc.k) AS listing, bk.bookings, lc.listings_created FROM bk FULL OUTER JOIN lc ON bk.k = lc.k`,
    ));
});

describe('dimension-only queries', () => {
  it('returns the distinct values of a dimension (listing__country, NULL included)', () =>
    check({ metrics: [], groupBy: ['listing__country'] }, `SELECT DISTINCT country AS listing__country FROM marketplace.listings`));

  it('returns distinct combinations of two dimensions of one model', () =>
    check(
      { metrics: [], groupBy: ['listing__country', 'listing__is_lux'] },
      `SELECT DISTINCT country AS listing__country, is_lux AS listing__is_lux FROM marketplace.listings`,
    ));

  it('returns distinct values of a bookings dimension', () =>
    check({ metrics: [], groupBy: ['booking__booking_source'] }, `SELECT DISTINCT booking_source AS booking__booking_source FROM ${B}`));

  it('returns distinct values across a join (listing country and owner state)', () =>
    check(
      { metrics: [], groupBy: ['listing__country', 'user__home_state'] },
      `SELECT DISTINCT l.country AS listing__country, u.home_state AS user__home_state
         FROM marketplace.listings l LEFT JOIN marketplace.users u ON u.user_id = l.user_id`,
    ));

  it('applies a where filter and ordering to distinct values', () =>
    check(
      { metrics: [], groupBy: ['user__home_state'], where: [`{{ Dimension('user__home_state') }} <> 'CA'`], orderBy: ['-user__home_state'] },
      `SELECT DISTINCT home_state AS user__home_state FROM marketplace.users WHERE home_state <> 'CA' ORDER BY 1 DESC`,
      [],
      { ordered: true },
    ));

  it('returns distinct values of a time dimension at a grain', () =>
    check(
      { metrics: [], groupBy: ['booking__ds__month'] },
      `SELECT DISTINCT date_trunc('month', ds)::date AS booking__ds__month FROM ${B}`,
    ));

  it('applies a limit to distinct values', () =>
    check(
      { metrics: [], groupBy: ['listing__capacity'], orderBy: ['listing__capacity'], limit: 3 },
      `SELECT DISTINCT capacity AS listing__capacity FROM marketplace.listings ORDER BY 1 LIMIT 3`,
      [],
      { ordered: true },
    ));

  it('returns every listing for the listing entity (read from listings, where it is the primary entity, not from its SCD history)', () =>
    check({ metrics: [], groupBy: ['listing'] }, `SELECT listing_id AS listing FROM marketplace.listings`));

  it('returns every user for the user entity', () => check({ metrics: [], groupBy: ['user'] }, `SELECT user_id AS "user" FROM marketplace.users`));

  it('rejects metric_time without a metric', async () => {
    await expect(get().query({ metrics: [], groupBy: ['metric_time__day'] })).rejects.toMatchObject({ code: 'INVALID_QUERY' });
  });

  it('rejects an empty request', async () => {
    await expect(get().query({ metrics: [] })).rejects.toMatchObject({ code: 'INVALID_QUERY' });
  });
});

describe('join errors', () => {
  it('rejects a dimension that cannot be reached from the metric, with a did-you-mean', async () => {
    await expect(get().query({ metrics: ['bookings'], groupBy: ['user__home_state'] })).rejects.toMatchObject({ code: 'UNKNOWN_DIMENSION' });
    await expect(get().query({ metrics: ['bookings'], groupBy: ['guest__home_stat'] })).rejects.toMatchObject({
      code: 'UNKNOWN_DIMENSION',
      message: expect.stringMatching(/guest__home_state/),
    });
  });

  it('rejects a filter on a dimension one of the metrics cannot reach', async () => {
    await expect(
      get().query({ metrics: ['bookings', 'visits'], groupBy: ['metric_time__month'], where: [`{{ Dimension('listing__country') }} = 'us'`] }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_DIMENSION' });
  });
});
