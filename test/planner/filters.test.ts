import { marketplaceSuite } from '../support/semantics';

/**
 * `where` filters of every kind, metric filters from the definitions, input filters, and
 * filters that reach other models through joins (one and two hops, roles, SCD, Metric()).
 * Expected rows are hand-written SQL over the marketplace tables.
 */
const { check, get } = marketplaceSuite();

const B = 'marketplace.bookings';
/** Bookings with their listing (LEFT JOIN: orphan listings 901-903 keep NULL listing columns). */
const BL = `marketplace.bookings b LEFT JOIN marketplace.listings l ON l.listing_id = b.listing_id`;
const GUEST = `LEFT JOIN marketplace.users g ON g.user_id = b.guest_id`;
const HOST = `LEFT JOIN marketplace.users hu ON hu.user_id = b.host_id`;
const GUEST_COMPANY = `LEFT JOIN marketplace.companies gc ON gc.company_id = g.company_id`;
const OWNER = `LEFT JOIN marketplace.users o ON o.user_id = l.user_id`;
const HISTORY = `LEFT JOIN marketplace.listing_history h
  ON h.listing_id = b.listing_id AND b.ds >= h.valid_from AND (b.ds < h.valid_to OR h.valid_to IS NULL)`;

const src = (filter: string) => `{{ Dimension('booking__booking_source') }} ${filter}`;

describe('comparison and set operators on a local dimension', () => {
  it('= (per month)', () =>
    check(
      { metrics: ['bookings', 'booking_value'], groupBy: ['metric_time__month'], where: [src(`= 'web'`)] },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, count(*) AS bookings, sum(booking_value) AS booking_value
         FROM ${B} WHERE booking_source = 'web' GROUP BY 1`,
    ));

  it('<> drops NULLs (three-valued logic)', () =>
    check(
      { metrics: ['bookings'], groupBy: ['booking__booking_source'], where: [src(`<> 'web'`)] },
      `SELECT booking_source AS booking__booking_source, count(*) AS bookings FROM ${B} WHERE booking_source <> 'web' GROUP BY 1`,
    ));

  it('IN', () =>
    check(
      { metrics: ['bookings', 'bookers'], where: [src(`IN ('ios', 'android')`)] },
      `SELECT count(*) AS bookings, count(DISTINCT guest_id) AS bookers FROM ${B} WHERE booking_source IN ('ios', 'android')`,
    ));

  it('NOT IN drops NULLs', () =>
    check(
      { metrics: ['bookings'], groupBy: ['booking__booking_source'], where: [src(`NOT IN ('ios', 'android')`)] },
      `SELECT booking_source AS booking__booking_source, count(*) AS bookings FROM ${B}
        WHERE booking_source NOT IN ('ios', 'android') GROUP BY 1`,
    ));

  it('LIKE and NOT LIKE', () =>
    check(
      { metrics: ['bookings'], groupBy: ['booking__booking_source'], where: [src(`LIKE '%i%'`), src(`NOT LIKE 'partner%'`)] },
      `SELECT booking_source AS booking__booking_source, count(*) AS bookings FROM ${B}
        WHERE booking_source LIKE '%i%' AND booking_source NOT LIKE 'partner%' GROUP BY 1`,
    ));

  it('ILIKE (case-insensitive)', () =>
    check(
      { metrics: ['bookings'], where: [src(`ILIKE 'WEB'`)] },
      `SELECT count(*) AS bookings FROM ${B} WHERE booking_source ILIKE 'WEB'`,
    ));

  it('IS NULL', () =>
    check(
      { metrics: ['bookings', 'booking_value'], groupBy: ['metric_time__quarter'], where: [src('IS NULL')] },
      `SELECT date_trunc('quarter', ds)::date AS metric_time__quarter, count(*) AS bookings, sum(booking_value) AS booking_value
         FROM ${B} WHERE booking_source IS NULL GROUP BY 1`,
    ));

  it('IS NOT NULL on a boolean dimension', () =>
    check(
      { metrics: ['bookings', 'instant_bookings'], groupBy: ['booking__is_instant'], where: [`{{ Dimension('booking__is_instant') }} IS NOT NULL`] },
      `SELECT is_instant AS booking__is_instant, count(*) AS bookings, sum(CASE WHEN is_instant THEN 1 ELSE 0 END) AS instant_bookings
         FROM ${B} WHERE is_instant IS NOT NULL GROUP BY 1`,
    ));

  it('a bare boolean dimension and NOT of it', () =>
    check(
      { metrics: ['bookings'], groupBy: ['booking__booking_source'], where: [`NOT {{ Dimension('booking__is_instant') }}`] },
      `SELECT booking_source AS booking__booking_source, count(*) AS bookings FROM ${B} WHERE NOT is_instant GROUP BY 1`,
    ));

  it('AND / OR / NOT with parentheses', () =>
    check(
      {
        metrics: ['bookings', 'booking_value'],
        groupBy: ['booking__booking_source'],
        where: [`({{ Dimension('booking__booking_source') }} = 'web' OR {{ Dimension('booking__is_instant') }}) AND NOT {{ Dimension('booking__booking_source') }} = 'ios'`],
      },
      `SELECT booking_source AS booking__booking_source, count(*) AS bookings, sum(booking_value) AS booking_value FROM ${B}
        WHERE (booking_source = 'web' OR is_instant) AND NOT booking_source = 'ios' GROUP BY 1`,
    ));

  it('several where entries are ANDed', () =>
    check(
      {
        metrics: ['bookings'],
        groupBy: ['metric_time__month'],
        where: [src(`IN ('web', 'ios')`), `{{ Dimension('booking__is_instant') }} = true`, `{{ TimeDimension('metric_time', 'day') }} >= '2020-02-01'`],
      },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, count(*) AS bookings FROM ${B}
        WHERE booking_source IN ('web', 'ios') AND is_instant = true AND ds >= '2020-02-01' GROUP BY 1`,
    ));

  it('IS DISTINCT FROM keeps NULLs', () =>
    check(
      { metrics: ['bookings'], where: [src(`IS DISTINCT FROM 'web'`)] },
      `SELECT count(*) AS bookings FROM ${B} WHERE booking_source IS DISTINCT FROM 'web'`,
    ));

  it('IS NOT DISTINCT FROM NULL matches the NULL group', () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing__country'], where: [`{{ Dimension('listing__country') }} IS NOT DISTINCT FROM NULL`] },
      `SELECT l.country AS listing__country, count(*) AS bookings FROM ${BL} WHERE l.country IS NOT DISTINCT FROM NULL GROUP BY 1`,
    ));
});

describe('functions, casts and arithmetic', () => {
  it('lower() and upper()', () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing__country'], where: [`upper({{ Dimension('listing__country') }}) IN ('US', 'CA') OR lower({{ Dimension('booking__booking_source') }}) = 'partner_api'`] },
      `SELECT l.country AS listing__country, count(*) AS bookings FROM ${BL}
        WHERE upper(l.country) IN ('US', 'CA') OR lower(b.booking_source) = 'partner_api' GROUP BY 1`,
    ));

  it('coalesce() over a joined dimension keeps orphans and NULL countries', () =>
    check(
      { metrics: ['bookings', 'booking_value'], groupBy: ['listing'], where: [`coalesce({{ Dimension('listing__country') }}, 'unknown') = 'unknown'`] },
      `SELECT b.listing_id AS listing, count(*) AS bookings, sum(b.booking_value) AS booking_value FROM ${BL}
        WHERE coalesce(l.country, 'unknown') = 'unknown' GROUP BY 1`,
    ));

  it('CAST of a categorical to text and of metric_time to text', () =>
    check(
      {
        metrics: ['bookings'],
        groupBy: ['listing__capacity'],
        where: [`CAST({{ Dimension('listing__capacity') }} AS text) LIKE '1%'`, `CAST({{ TimeDimension('metric_time', 'day') }} AS varchar) LIKE '2020-0%'`],
      },
      `SELECT l.capacity AS listing__capacity, count(*) AS bookings FROM ${BL}
        WHERE CAST(l.capacity AS text) LIKE '1%' AND CAST(b.ds AS text) LIKE '2020-0%' GROUP BY 1`,
    ));

  it('BETWEEN on an integer dimension and arithmetic', () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing__capacity'], where: [`{{ Dimension('listing__capacity') }} BETWEEN 2 AND 4`, `{{ Dimension('listing__capacity') }} * 2 + 1 <> 7`] },
      `SELECT l.capacity AS listing__capacity, count(*) AS bookings FROM ${BL}
        WHERE l.capacity BETWEEN 2 AND 4 AND l.capacity * 2 + 1 <> 7 GROUP BY 1`,
    ));

  it('NOT BETWEEN drops unmatched joins', () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing__capacity'], where: [`{{ Dimension('listing__capacity') }} NOT BETWEEN 3 AND 8`] },
      `SELECT l.capacity AS listing__capacity, count(*) AS bookings FROM ${BL} WHERE l.capacity NOT BETWEEN 3 AND 8 GROUP BY 1`,
    ));

  it('a decimal literal compared with an integer dimension', () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing__capacity'], where: [`{{ Dimension('listing__capacity') }} > 2.5`] },
      `SELECT l.capacity AS listing__capacity, count(*) AS bookings FROM ${BL} WHERE l.capacity > 2.5 GROUP BY 1`,
    ));

  it('division by a decimal literal is not integer division', () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing__capacity'], where: [`round({{ Dimension('listing__capacity') }} / 4.0) = 1`] },
      `SELECT l.capacity AS listing__capacity, count(*) AS bookings FROM ${BL} WHERE round(l.capacity / 4.0) = 1 GROUP BY 1`,
    ));

  it('string concatenation with || across a local and a joined dimension', () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing__country'], where: [`{{ Dimension('listing__country') }} || '-' || {{ Dimension('booking__booking_source') }} IN ('us-web', 'ca-ios')`] },
      `SELECT l.country AS listing__country, count(*) AS bookings FROM ${BL} WHERE l.country || '-' || b.booking_source IN ('us-web', 'ca-ios') GROUP BY 1`,
    ));

  it('CASE in a filter', () =>
    check(
      {
        metrics: ['bookings'],
        groupBy: ['booking__booking_source'],
        where: [`CASE WHEN {{ Dimension('booking__booking_source') }} IN ('ios', 'android') THEN 'mobile' ELSE 'other' END = 'mobile'`],
      },
      `SELECT booking_source AS booking__booking_source, count(*) AS bookings FROM ${B}
        WHERE CASE WHEN booking_source IN ('ios', 'android') THEN 'mobile' ELSE 'other' END = 'mobile' GROUP BY 1`,
    ));
});

describe('time filters', () => {
  it("{{ TimeDimension('metric_time', 'month') }} = a month", () =>
    check(
      { metrics: ['bookings', 'bookers'], groupBy: ['metric_time__day'], where: [`{{ TimeDimension('metric_time', 'month') }} = '2020-03-01'`] },
      `SELECT ds AS metric_time__day, count(*) AS bookings, count(DISTINCT guest_id) AS bookers FROM ${B}
        WHERE date_trunc('month', ds) = '2020-03-01' GROUP BY 1`,
    ));

  it("{{ Dimension('booking__ds').grain('month') }} IN months", () =>
    check(
      { metrics: ['bookings'], groupBy: ['metric_time__week'], where: [`{{ Dimension('booking__ds').grain('month') }} IN ('2020-01-01', '2020-05-01')`] },
      `SELECT date_trunc('week', ds)::date AS metric_time__week, count(*) AS bookings FROM ${B}
        WHERE date_trunc('month', ds)::date IN ('2020-01-01', '2020-05-01') GROUP BY 1`,
    ));

  it(".date_part('year') and date_part_name='dow'", () =>
    check(
      {
        metrics: ['bookings'],
        groupBy: ['metric_time__extract_dow'],
        where: [`{{ Dimension('booking__ds').date_part('year') }} = 2020`, `{{ TimeDimension('metric_time', date_part_name='dow') }} IN (6, 7)`],
      },
      `SELECT extract(isodow FROM ds)::int AS metric_time__extract_dow, count(*) AS bookings FROM ${B}
        WHERE extract(year FROM ds) = 2020 AND extract(isodow FROM ds) IN (6, 7) GROUP BY 1`,
    ));

  it('date_trunc(), EXTRACT and date_part() functions over metric_time', () =>
    check(
      {
        metrics: ['bookings'],
        groupBy: ['metric_time__month'],
        where: [
          `date_trunc('quarter', {{ TimeDimension('metric_time', 'day') }}) = '2020-01-01'`,
          `EXTRACT(dow FROM {{ TimeDimension('metric_time', 'day') }}) BETWEEN 1 AND 5`,
          `date_part('day', {{ TimeDimension('metric_time', 'day') }}) <= 15`,
        ],
      },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, count(*) AS bookings FROM ${B}
        WHERE date_trunc('quarter', ds) = '2020-01-01' AND extract(dow FROM ds) BETWEEN 1 AND 5 AND date_part('day', ds) <= 15 GROUP BY 1`,
    ));

  it('typed DATE literals and :: casts', () =>
    check(
      {
        metrics: ['bookings'],
        groupBy: ['metric_time__week'],
        where: [`{{ TimeDimension('metric_time', 'day') }} >= DATE '2020-05-04'`, `{{ TimeDimension('metric_time', 'day') }} < '2020-05-25'::date`],
      },
      `SELECT date_trunc('week', ds)::date AS metric_time__week, count(*) AS bookings FROM ${B}
        WHERE ds >= DATE '2020-05-04' AND ds < DATE '2020-05-25' GROUP BY 1`,
    ));

  it('a joined time dimension at a grain (listing__created_at by month)', () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing__country'], where: [`{{ TimeDimension('listing__created_at', 'month') }} >= '2019-06-01'`] },
      `SELECT l.country AS listing__country, count(*) AS bookings FROM ${BL}
        WHERE date_trunc('month', l.created_at)::date >= '2019-06-01' GROUP BY 1`,
    ));

  it('metric_time BETWEEN days combined with a time constraint (both apply)', () =>
    check(
      {
        metrics: ['booking_value'],
        groupBy: ['metric_time__day'],
        where: [`{{ TimeDimension('metric_time', 'day') }} BETWEEN '2020-02-10' AND '2020-02-29'`],
        timeConstraint: { start: '2020-02-01', end: '2020-02-20' },
      },
      `SELECT ds AS metric_time__day, sum(booking_value) AS booking_value FROM ${B}
        WHERE ds BETWEEN '2020-02-10' AND '2020-02-29' AND ds BETWEEN '2020-02-01' AND '2020-02-20' GROUP BY 1`,
    ));

  it('a time dimension named without a grain compares at its own grain (paid_at at day)', () =>
    check(
      { metrics: ['bookings', 'booking_value'], where: [`{{ Dimension('booking__paid_at') }} = '2020-03-02'`] },
      `SELECT count(*) AS bookings, sum(booking_value) AS booking_value FROM ${B} WHERE date_trunc('day', paid_at)::date = '2020-03-02'`,
    ));

  it("{{ TimeDimension('booking__paid_at', 'week') }} on another time dimension than metric_time", () =>
    check(
      { metrics: ['bookings'], groupBy: ['metric_time__month'], where: [`{{ TimeDimension('booking__paid_at', 'week') }} >= '2020-04-06'`] },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, count(*) AS bookings FROM ${B}
        WHERE date_trunc('week', paid_at)::date >= '2020-04-06' GROUP BY 1`,
    ));

  it('metric_time filters follow each measure (paid_booking_value filters on paid_at)', () =>
    check(
      { metrics: ['paid_booking_value'], groupBy: ['metric_time__month'], where: [`{{ TimeDimension('metric_time', 'month') }} IN ('2020-02-01', '2020-03-01')`] },
      `SELECT date_trunc('month', paid_at)::date AS metric_time__month, sum(booking_value) AS paid_booking_value FROM ${B}
        WHERE date_trunc('month', paid_at)::date IN ('2020-02-01', '2020-03-01') GROUP BY 1`,
    ));
});

describe('entity filters', () => {
  it("{{ Entity('listing') }} IN (...)", () =>
    check(
      { metrics: ['bookings', 'booking_value'], groupBy: ['listing'], where: [`{{ Entity('listing') }} IN (1, 2, 3, 901)`] },
      `SELECT listing_id AS listing, count(*) AS bookings, sum(booking_value) AS booking_value FROM ${B}
        WHERE listing_id IN (1, 2, 3, 901) GROUP BY 1`,
    ));

  it("{{ Entity('guest') }} with an entity of another hop ({{ Entity('listing__user') }})", () =>
    check(
      { metrics: ['bookings'], groupBy: ['guest'], where: [`{{ Entity('guest') }} <= 10`, `{{ Entity('listing__user') }} = {{ Entity('host') }}`] },
      `SELECT b.guest_id AS guest, count(*) AS bookings FROM ${BL} WHERE b.guest_id <= 10 AND l.user_id = b.host_id GROUP BY 1`,
    ));
});

describe('filters on joined dimensions', () => {
  it('one hop: listing__country = ', () =>
    check(
      { metrics: ['bookings', 'booking_value'], groupBy: ['metric_time__month'], where: [`{{ Dimension('listing__country') }} = 'ca'`] },
      `SELECT date_trunc('month', b.ds)::date AS metric_time__month, count(*) AS bookings, sum(b.booking_value) AS booking_value
         FROM ${BL} WHERE l.country = 'ca' GROUP BY 1`,
    ));

  it('one hop: listing__country IS NULL keeps orphan bookings and NULL countries', () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing'], where: [`{{ Dimension('listing__country') }} IS NULL`] },
      `SELECT b.listing_id AS listing, count(*) AS bookings FROM ${BL} WHERE l.country IS NULL GROUP BY 1`,
    ));

  it('one hop: NOT (listing__country IS NOT NULL) keeps orphan bookings too', () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing'], where: [`NOT ({{ Dimension('listing__country') }} IS NOT NULL)`] },
      `SELECT b.listing_id AS listing, count(*) AS bookings FROM ${BL} WHERE NOT (l.country IS NOT NULL) GROUP BY 1`,
    ));

  it('one hop: listing__is_lux IS NOT TRUE keeps orphan bookings', () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing__is_lux'], where: [`{{ Dimension('listing__is_lux') }} IS NOT TRUE`] },
      `SELECT l.is_lux AS listing__is_lux, count(*) AS bookings FROM ${BL} WHERE l.is_lux IS NOT TRUE GROUP BY 1`,
    ));

  it('one hop: NOT (listing__is_lux IS TRUE) keeps orphan bookings', () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing__is_lux'], where: [`NOT ({{ Dimension('listing__is_lux') }} IS TRUE)`] },
      `SELECT l.is_lux AS listing__is_lux, count(*) AS bookings FROM ${BL} WHERE NOT (l.is_lux IS TRUE) GROUP BY 1`,
    ));

  it("one hop: NOT (country = 'us' AND instant) keeps orphans that are not instant", () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing__country'], where: [`NOT ({{ Dimension('listing__country') }} = 'us' AND {{ Dimension('booking__is_instant') }})`] },
      `SELECT l.country AS listing__country, count(*) AS bookings FROM ${BL} WHERE NOT (l.country = 'us' AND b.is_instant) GROUP BY 1`,
    ));

  it('one hop: a bare joined boolean and a computed dimension (listing__is_large)', () =>
    check(
      { metrics: ['bookings', 'average_booking_value'], groupBy: ['listing__country'], where: [`{{ Dimension('listing__is_lux') }}`, `NOT {{ Dimension('listing__is_large') }}`] },
      `SELECT l.country AS listing__country, count(*) AS bookings, avg(b.booking_value) AS average_booking_value FROM ${BL}
        WHERE l.is_lux AND NOT (l.capacity >= 6) GROUP BY 1`,
    ));

  it('one hop: OR across a local and a joined dimension keeps orphans on the local side', () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing__country'], where: [`{{ Dimension('listing__country') }} = 'fr' OR {{ Dimension('booking__booking_source') }} = 'partner_api'`] },
      `SELECT l.country AS listing__country, count(*) AS bookings FROM ${BL}
        WHERE l.country = 'fr' OR b.booking_source = 'partner_api' GROUP BY 1`,
    ));

  it('two hops: listing__user__home_state (the listing owner)', () =>
    check(
      { metrics: ['bookings', 'bookers'], groupBy: ['metric_time__quarter'], where: [`{{ Dimension('listing__user__home_state') }} IN ('CA', 'NY')`] },
      `SELECT date_trunc('quarter', b.ds)::date AS metric_time__quarter, count(*) AS bookings, count(DISTINCT b.guest_id) AS bookers
         FROM ${BL} ${OWNER} WHERE o.home_state IN ('CA', 'NY') GROUP BY 1`,
    ));

  it('two hops: guest__company__industry', () =>
    check(
      { metrics: ['bookings', 'booking_value'], groupBy: ['guest__home_state'], where: [`{{ Dimension('guest__company__industry') }} = 'technology'`] },
      `SELECT g.home_state AS guest__home_state, count(*) AS bookings, sum(b.booking_value) AS booking_value
         FROM ${B} b ${GUEST} ${GUEST_COMPANY} WHERE gc.industry = 'technology' GROUP BY 1`,
    ));

  it('two hops with entity_path: Dimension(company__industry, entity_path=[guest]) IS NULL', () =>
    check(
      { metrics: ['bookings'], groupBy: ['guest'], where: [`{{ Dimension('company__industry', entity_path=['guest']) }} IS NULL`] },
      `SELECT b.guest_id AS guest, count(*) AS bookings FROM ${B} b ${GUEST} ${GUEST_COMPANY} WHERE gc.industry IS NULL GROUP BY 1`,
    ));

  it('roles: guest and host home states in one filter', () =>
    check(
      {
        metrics: ['bookings'],
        groupBy: ['guest__home_state', 'host__home_state'],
        where: [`{{ Dimension('guest__home_state') }} = {{ Dimension('host__home_state') }} OR {{ Dimension('host__home_state') }} = 'NY'`],
      },
      `SELECT g.home_state AS guest__home_state, hu.home_state AS host__home_state, count(*) AS bookings
         FROM ${B} b ${GUEST} ${HOST} WHERE g.home_state = hu.home_state OR hu.home_state = 'NY' GROUP BY 1, 2`,
    ));

  it('roles: host filter with a guest group-by', () =>
    check(
      { metrics: ['booking_value', 'bookers'], groupBy: ['guest__home_state'], where: [`{{ Dimension('host__home_state') }} <> 'CA'`] },
      `SELECT g.home_state AS guest__home_state, sum(b.booking_value) AS booking_value, count(DISTINCT b.guest_id) AS bookers
         FROM ${B} b ${GUEST} ${HOST} WHERE hu.home_state <> 'CA' GROUP BY 1`,
    ));

  it('SCD: listing__tier as of the booking date', () =>
    check(
      { metrics: ['bookings', 'booking_value'], groupBy: ['metric_time__month'], where: [`{{ Dimension('listing__tier') }} IN ('gold', 'plus')`] },
      `SELECT date_trunc('month', b.ds)::date AS metric_time__month, count(*) AS bookings, sum(b.booking_value) AS booking_value
         FROM ${B} b ${HISTORY} WHERE h.tier IN ('gold', 'plus') GROUP BY 1`,
    ));

  it('SCD: listing__tier IS NULL (bookings outside every validity window and orphans)', () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing'], where: [`{{ Dimension('listing__tier') }} IS NULL`] },
      `SELECT b.listing_id AS listing, count(*) AS bookings FROM ${B} b ${HISTORY} WHERE h.tier IS NULL GROUP BY 1`,
    ));
});

describe('Metric() in filters', () => {
  it("{{ Metric('bookings', group_by=['listing']) }} > 20", () =>
    check(
      { metrics: ['bookings', 'booking_value'], groupBy: ['listing'], where: [`{{ Metric('bookings', group_by=['listing']) }} > 20`] },
      `SELECT listing_id AS listing, count(*) AS bookings, sum(booking_value) AS booking_value FROM ${B}
        WHERE listing_id IN (SELECT listing_id FROM ${B} GROUP BY 1 HAVING count(*) > 20) GROUP BY 1`,
    ));

  it('a Metric() filter is computed without the query filters and time constraint', () =>
    check(
      {
        metrics: ['bookings'],
        groupBy: ['metric_time__month'],
        where: [`{{ Metric('bookings', group_by=['listing']) }} >= 38`, src(`= 'web'`)],
        timeConstraint: { start: '2020-02-01', end: '2020-04-30' },
      },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, count(*) AS bookings FROM ${B}
        WHERE listing_id IN (SELECT listing_id FROM ${B} GROUP BY 1 HAVING count(*) >= 38)
          AND booking_source = 'web' AND ds BETWEEN '2020-02-01' AND '2020-04-30' GROUP BY 1`,
    ));

  it('a Metric() filter on a count_distinct metric (bookers per listing) with a joined group-by', () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing__country'], where: [`{{ Metric('bookers', group_by=['listing']) }} BETWEEN 5 AND 10`] },
      `SELECT l.country AS listing__country, count(*) AS bookings FROM ${BL}
        WHERE b.listing_id IN (SELECT listing_id FROM ${B} GROUP BY 1 HAVING count(DISTINCT guest_id) BETWEEN 5 AND 10) GROUP BY 1`,
    ));

  it('a Metric() filter on a ratio metric', () =>
    check(
      { metrics: ['bookings'], groupBy: ['listing'], where: [`{{ Metric('instant_booking_rate', group_by=['listing']) }} > 0.6`] },
      `SELECT listing_id AS listing, count(*) AS bookings FROM ${B}
        WHERE listing_id IN (SELECT listing_id FROM ${B} GROUP BY 1
                              HAVING CAST(sum(CASE WHEN is_instant THEN 1 ELSE 0 END) AS double precision) / count(*) > 0.6)
        GROUP BY 1`,
    ));

  it('a Metric() filter on a metric with its own filter (us_bookings per listing)', () =>
    check(
      { metrics: ['booking_value'], groupBy: ['listing__country'], where: [`{{ Metric('us_bookings', group_by=['listing']) }} > 10`] },
      `SELECT l.country AS listing__country, sum(b.booking_value) AS booking_value FROM ${BL}
        WHERE b.listing_id IN (SELECT b2.listing_id FROM ${B} b2 JOIN marketplace.listings l2 ON l2.listing_id = b2.listing_id
                                WHERE l2.country = 'us' GROUP BY 1 HAVING count(*) > 10)
        GROUP BY 1`,
    ));

  it('two Metric() references in one filter', () =>
    check(
      {
        metrics: ['bookings'],
        groupBy: ['listing__country'],
        where: [`{{ Metric('bookings', group_by=['listing']) }} > 30 OR {{ Metric('bookers', group_by=['listing']) }} < 3`],
      },
      `SELECT l.country AS listing__country, count(*) AS bookings FROM ${BL}
        WHERE b.listing_id IN (SELECT listing_id FROM ${B} GROUP BY 1 HAVING count(*) > 30 OR count(DISTINCT guest_id) < 3)
        GROUP BY 1`,
    ));

  it('a Metric() filter compared with IS NULL keeps rows with no value for the entity', () =>
    check(
      { metrics: ['listings_created'], groupBy: ['listing__country'], where: [`{{ Metric('bookings', group_by=['listing']) }} IS NULL`] },
      `SELECT country AS listing__country, count(DISTINCT listing_id) AS listings_created FROM marketplace.listings l
        WHERE NOT EXISTS (SELECT 1 FROM ${B} b WHERE b.listing_id = l.listing_id) GROUP BY 1`,
    ));
});

describe('metric filters from the definitions', () => {
  it('instant_bookings_filtered (bare boolean) equals instant_bookings', () =>
    check(
      { metrics: ['instant_bookings_filtered', 'instant_bookings'], groupBy: ['metric_time__month'] },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, sum(1) FILTER (WHERE is_instant) AS instant_bookings_filtered,
              sum(CASE WHEN is_instant THEN 1 ELSE 0 END) AS instant_bookings
         FROM ${B} GROUP BY 1`,
    ));

  it('us_bookings (joined dimension filter) with a where on another dimension', () =>
    check(
      { metrics: ['us_bookings'], groupBy: ['booking__booking_source'], where: [`{{ Dimension('booking__is_instant') }}`] },
      `SELECT b.booking_source AS booking__booking_source, count(*) AS us_bookings FROM ${BL}
        WHERE l.country = 'us' AND b.is_instant GROUP BY 1`,
    ));

  it('us_bookings grouped by the country it filters on has only the us group', () =>
    check(
      { metrics: ['us_bookings'], groupBy: ['listing__country'] },
      `SELECT l.country AS listing__country, count(*) AS us_bookings FROM ${BL} WHERE l.country = 'us' GROUP BY 1`,
    ));

  it('ca_guest_instant_bookings (filter list + guest role)', () =>
    check(
      { metrics: ['ca_guest_instant_bookings'], groupBy: ['metric_time__month'] },
      `SELECT date_trunc('month', b.ds)::date AS metric_time__month, count(*) AS ca_guest_instant_bookings
         FROM ${B} b ${GUEST} WHERE b.is_instant AND g.home_state = 'CA' GROUP BY 1`,
    ));

  it('tech_guest_bookings (two hops via entity_path) by listing country', () =>
    check(
      { metrics: ['tech_guest_bookings'], groupBy: ['listing__country'] },
      `SELECT l.country AS listing__country, count(*) AS tech_guest_bookings
         FROM ${BL} ${GUEST} ${GUEST_COMPANY} WHERE gc.industry = 'technology' GROUP BY 1`,
    ));

  it('gold_tier_bookings (SCD join) per month with a where on the listing country', () =>
    check(
      { metrics: ['gold_tier_bookings'], groupBy: ['metric_time__month'], where: [`{{ Dimension('listing__country') }} = 'us'`] },
      `SELECT date_trunc('month', b.ds)::date AS metric_time__month, count(*) AS gold_tier_bookings
         FROM ${BL} ${HISTORY} WHERE h.tier = 'gold' AND l.country = 'us' GROUP BY 1`,
    ));

  it('popular_listing_booking_value (Metric() filter) per listing', () =>
    check(
      { metrics: ['popular_listing_booking_value'], groupBy: ['listing'] },
      `SELECT listing_id AS listing, sum(booking_value) AS popular_listing_booking_value FROM ${B}
        WHERE listing_id IN (SELECT listing_id FROM ${B} GROUP BY 1 HAVING count(*) >= 20) GROUP BY 1`,
    ));

  it('popular_listing_booking_value within a time constraint (the Metric() value stays all-time)', () =>
    check(
      { metrics: ['popular_listing_booking_value'], groupBy: ['metric_time__month'], timeConstraint: { start: '2020-03-01', end: '2020-05-31' } },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, sum(booking_value) AS popular_listing_booking_value FROM ${B}
        WHERE listing_id IN (SELECT listing_id FROM ${B} GROUP BY 1 HAVING count(*) >= 20)
          AND ds BETWEEN '2020-03-01' AND '2020-05-31' GROUP BY 1`,
    ));

  it('lux_booking_value (measure input filter) by guest home state', () =>
    check(
      { metrics: ['lux_booking_value'], groupBy: ['guest__home_state'] },
      `SELECT g.home_state AS guest__home_state, sum(b.booking_value) AS lux_booking_value FROM ${BL} ${GUEST}
        WHERE l.is_lux = true GROUP BY 1`,
    ));

  it('paid_bookings (TimeDimension filter) per week', () =>
    check(
      { metrics: ['paid_bookings'], groupBy: ['metric_time__week'], timeConstraint: { start: '2020-01-01', end: '2020-02-29' } },
      `SELECT date_trunc('week', ds)::date AS metric_time__week, count(*) AS paid_bookings FROM ${B}
        WHERE paid_at IS NOT NULL AND ds BETWEEN '2020-01-01' AND '2020-02-29' GROUP BY 1`,
    ));

  it('metric filter AND query filter on the same dimension', () =>
    check(
      { metrics: ['us_bookings', 'bookings'], groupBy: ['metric_time__quarter'], where: [`{{ Dimension('listing__country') }} IN ('us', 'ca')`] },
      `SELECT date_trunc('quarter', b.ds)::date AS metric_time__quarter, sum(1) FILTER (WHERE l.country = 'us') AS us_bookings, count(*) AS bookings
         FROM ${BL} WHERE l.country IN ('us', 'ca') GROUP BY 1`,
    ));
});

describe('values are parameters, and filters are checked', () => {
  it('a quote inside a string is data, not SQL', async () => {
    await check(
      { metrics: ['bookings'], where: [`{{ Dimension('listing__country') }} = 'us''; DROP TABLE marketplace.bookings; --'`] },
      `SELECT sum(1) AS bookings FROM ${BL} WHERE l.country = $1`,
      [`us'; DROP TABLE marketplace.bookings; --`],
    );
    expect(await get().sql('SELECT count(*)::int AS n FROM marketplace.bookings')).toEqual([{ n: 400 }]);
  });

  it('rejects a filter that does not parse, with its position', async () => {
    await expect(get().query({ metrics: ['bookings'], where: [`{{ Dimension('booking__booking_source') }} = `] })).rejects.toMatchObject({
      code: 'INVALID_FILTER',
    });
    await expect(get().query({ metrics: ['bookings'], where: [`{{ Dimension('booking__booking_source') }} = 'web`] })).rejects.toMatchObject({
      code: 'INVALID_FILTER',
    });
    await expect(get().query({ metrics: ['bookings'], where: [`{{ Dimension('booking__booking_source' }} = 'web'`] })).rejects.toMatchObject({
      code: 'INVALID_FILTER',
    });
  });

  it('rejects functions that are not allow-listed', async () => {
    await expect(get().query({ metrics: ['bookings'], where: [`pg_sleep(10) IS NULL AND {{ Dimension('booking__is_instant') }}`] })).rejects.toMatchObject({
      code: 'INVALID_FILTER',
    });
    await expect(get().query({ metrics: ['bookings'], where: [`current_setting('is_superuser') = 'on'`] })).rejects.toMatchObject({
      code: 'INVALID_FILTER',
    });
  });

  it('rejects SQL injection attempts', async () => {
    const attempts = [
      `1=1; DROP TABLE x`,
      `{{ Dimension('booking__booking_source') }} = 'web'; DROP TABLE marketplace.bookings`,
      `{{ Dimension('booking__booking_source') }} = 'web' -- comment`,
      `{{ Dimension('booking__booking_source') }} = 'web' /* comment */`,
      `{{ Dimension('booking__booking_source') }} IN (SELECT booking_source FROM marketplace.bookings)`,
      `{{ Dimension('booking__booking_source') }} = 'web' UNION SELECT 1`,
      `booking_source = 'web'`,
      `{{ Dimension('booking__booking_source') }} = "web"`,
      `{{ Dimension('booking__booking_source'); DROP TABLE x; --') }} = 'web'`,
    ];
    for (const where of attempts) {
      await expect(get().query({ metrics: ['bookings'], where: [where] })).rejects.toMatchObject({ code: 'INVALID_FILTER' });
    }
    expect(await get().sql('SELECT count(*)::int AS n FROM marketplace.bookings')).toEqual([{ n: 400 }]);
  });

  it('rejects an unknown dimension in a filter', async () => {
    await expect(get().query({ metrics: ['bookings'], where: [`{{ Dimension('listing__countri') }} = 'us'`] })).rejects.toMatchObject({
      code: 'UNKNOWN_DIMENSION',
      message: expect.stringMatching(/listing__country/),
    });
  });

  it('rejects a bad grain in a filter', async () => {
    await expect(get().query({ metrics: ['bookings'], where: [`{{ TimeDimension('metric_time', 'fortnight') }} = '2020-01-01'`] })).rejects.toMatchObject({
      code: 'INVALID_FILTER',
    });
  });
});
