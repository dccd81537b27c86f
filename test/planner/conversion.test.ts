import { marketplaceSuite } from '../support/semantics';

const { check } = marketplaceSuite();

/*
 * Conversion metrics (src/planner/README.md): each conversion event (buy) is credited to the
 * latest base event (visit) of the same entity (user) and constant properties at or before it
 * and, with a window, after conversion time minus the window (so a buy exactly 7 days after the
 * visit does not count). Conversions are grouped by the base event's keys; conversion_rate is
 * conversions / base events as double precision.
 *
 * Base counts and conversion counts are aggregated separately and combined on the group-by keys
 * (full outer join; MetricFlow "Combine Aggregated Outputs" takes MAX(buys) without COALESCE), so
 * a group with visits but no credited buy has conversions NULL and a NULL rate.
 *
 * Several users have two visits on the same day with different pages / referrers, so which of
 * them a buy is credited to is not determined (MetricFlow orders by time only); the groupings
 * below avoid that: metric_time, the user's home_state, or the referrer under the
 * same-referrer constant property.
 */

/** One row per credited buy: the buy and the latest qualifying visit (ties broken by visit_id; no grouping below depends on it). */
const credited = (window: number | null, extra = '', visits = 'marketplace.visits') => `
  SELECT DISTINCT ON (b.buy_id) b.buy_id, v.visit_id, v.ds AS vds, v.user_id, v.referrer_id, v.page
    FROM marketplace.buys b
    JOIN ${visits} v ON v.user_id = b.user_id AND v.ds <= b.ds ${window === null ? '' : `AND v.ds > b.ds - ${window}`} ${extra}
   ORDER BY b.buy_id, v.ds DESC, v.visit_id`;

describe('visit_to_buy conversion, 7-day window', () => {
  it('overall: conversions and conversion rate (a buy exactly 7 days after the visit does not count)', () =>
    check(
      { metrics: ['visit_to_buy_conversions_7d', 'visit_to_buy_conversion_rate_7d'] },
      `SELECT (SELECT count(*) FROM (${credited(7)}) c) AS visit_to_buy_conversions_7d,
              CAST((SELECT count(*) FROM (${credited(7)}) c) AS double precision) / NULLIF((SELECT count(*) FROM marketplace.visits), 0)
                AS visit_to_buy_conversion_rate_7d`,
    ));

  it('the 7-day boundary alone: 115 conversions, not 118', () =>
    check({ metrics: ['visit_to_buy_conversions_7d'] }, `SELECT 115 AS visit_to_buy_conversions_7d`));

  it('per metric_time__month: conversions are counted in the month of the credited visit', () =>
    check(
      { metrics: ['visit_to_buy_conversions_7d', 'visit_to_buy_conversion_rate_7d'], groupBy: ['metric_time__month'] },
      `WITH base AS (SELECT date_trunc('month', ds)::date AS m, count(*) AS n FROM marketplace.visits GROUP BY 1),
            conv AS (SELECT date_trunc('month', vds)::date AS m, count(*) AS n FROM (${credited(7)}) c GROUP BY 1)
       SELECT coalesce(base.m, conv.m) AS metric_time__month, conv.n AS visit_to_buy_conversions_7d,
              CAST(conv.n AS double precision) / NULLIF(base.n, 0) AS visit_to_buy_conversion_rate_7d
         FROM base FULL JOIN conv ON conv.m = base.m`,
    ));

  it('per metric_time__day: days without a credited buy have NULL conversions', () =>
    check(
      { metrics: ['visit_to_buy_conversions_7d', 'visit_to_buy_conversion_rate_7d'], groupBy: ['metric_time__day'] },
      `WITH base AS (SELECT ds AS d, count(*) AS n FROM marketplace.visits GROUP BY 1),
            conv AS (SELECT vds AS d, count(*) AS n FROM (${credited(7)}) c GROUP BY 1)
       SELECT coalesce(base.d, conv.d) AS metric_time__day, conv.n AS visit_to_buy_conversions_7d,
              CAST(conv.n AS double precision) / NULLIF(base.n, 0) AS visit_to_buy_conversion_rate_7d
         FROM base FULL JOIN conv ON conv.d = base.d`,
    ));

  it('per metric_time__week across the year boundary', () =>
    check(
      { metrics: ['visit_to_buy_conversion_rate_7d'], groupBy: ['metric_time__week'] },
      `WITH base AS (SELECT date_trunc('week', ds)::date AS w, count(*) AS n FROM marketplace.visits GROUP BY 1),
            conv AS (SELECT date_trunc('week', vds)::date AS w, count(*) AS n FROM (${credited(7)}) c GROUP BY 1)
       SELECT coalesce(base.w, conv.w) AS metric_time__week, CAST(conv.n AS double precision) / NULLIF(base.n, 0) AS visit_to_buy_conversion_rate_7d
         FROM base FULL JOIN conv ON conv.w = base.w`,
    ));

  it('per user__home_state (anonymous visits and users without a state share the NULL group)', () =>
    check(
      { metrics: ['visit_to_buy_conversions_7d', 'visit_to_buy_conversion_rate_7d'], groupBy: ['user__home_state'] },
      `WITH base AS (SELECT u.home_state AS k, count(*) AS n FROM marketplace.visits v LEFT JOIN marketplace.users u ON u.user_id = v.user_id GROUP BY 1),
            conv AS (SELECT u.home_state AS k, count(*) AS n FROM (${credited(7)}) c LEFT JOIN marketplace.users u ON u.user_id = c.user_id GROUP BY 1)
       SELECT k AS user__home_state, max(cn) AS visit_to_buy_conversions_7d,
              CAST(max(cn) AS double precision) / NULLIF(max(bn), 0) AS visit_to_buy_conversion_rate_7d
         FROM (SELECT k, n AS bn, NULL::bigint AS cn FROM base UNION ALL SELECT k, NULL, n FROM conv) x GROUP BY k`,
    ));

  it('per metric_time__month and user__home_state', () =>
    check(
      { metrics: ['visit_to_buy_conversion_rate_7d'], groupBy: ['metric_time__month', 'user__home_state'] },
      `WITH base AS (SELECT date_trunc('month', v.ds)::date AS m, u.home_state AS k, count(*) AS n
                       FROM marketplace.visits v LEFT JOIN marketplace.users u ON u.user_id = v.user_id GROUP BY 1, 2),
            conv AS (SELECT date_trunc('month', c.vds)::date AS m, u.home_state AS k, count(*) AS n
                       FROM (${credited(7)}) c LEFT JOIN marketplace.users u ON u.user_id = c.user_id GROUP BY 1, 2)
       SELECT coalesce(base.m, conv.m) AS metric_time__month, coalesce(base.k, conv.k) AS user__home_state,
              CAST(conv.n AS double precision) / NULLIF(base.n, 0) AS visit_to_buy_conversion_rate_7d
         FROM base FULL JOIN conv ON conv.m = base.m AND conv.k IS NOT DISTINCT FROM base.k`,
    ));

  it('per user entity: conversions per visiting user', () =>
    check(
      { metrics: ['visit_to_buy_conversions_7d', 'visits'], groupBy: ['user'] },
      `WITH base AS (SELECT user_id AS k, count(*) AS n FROM marketplace.visits GROUP BY 1),
            conv AS (SELECT user_id AS k, count(*) AS n FROM (${credited(7)}) c GROUP BY 1)
       SELECT k AS "user", max(cn) AS visit_to_buy_conversions_7d, max(bn) AS visits
         FROM (SELECT k, n AS bn, NULL::bigint AS cn FROM base UNION ALL SELECT k, NULL, n FROM conv) x GROUP BY k`,
    ));

  it('next to visits and buys per month (buys counted in their own month)', () =>
    check(
      { metrics: ['visits', 'buys', 'visit_to_buy_conversion_rate_7d'], groupBy: ['metric_time__month'] },
      `WITH base AS (SELECT date_trunc('month', ds)::date AS m, count(*) AS n FROM marketplace.visits GROUP BY 1),
            buys AS (SELECT date_trunc('month', ds)::date AS m, count(*) AS n FROM marketplace.buys GROUP BY 1),
            conv AS (SELECT date_trunc('month', vds)::date AS m, count(*) AS n FROM (${credited(7)}) c GROUP BY 1)
       SELECT coalesce(base.m, buys.m, conv.m) AS metric_time__month, base.n AS visits, buys.n AS buys,
              CAST(conv.n AS double precision) / NULLIF(base.n, 0) AS visit_to_buy_conversion_rate_7d
         FROM base FULL JOIN buys ON buys.m = base.m FULL JOIN conv ON conv.m = coalesce(base.m, buys.m)`,
    ));
});

describe('constant properties, no window, filtered base', () => {
  it('same referrer: NULL referrers never match', () =>
    check(
      { metrics: ['visit_to_buy_conversion_rate_same_referrer'] },
      `SELECT CAST((SELECT count(*) FROM (${credited(7, 'AND v.referrer_id = b.referrer_id')}) c) AS double precision)
              / NULLIF((SELECT count(*) FROM marketplace.visits), 0) AS visit_to_buy_conversion_rate_same_referrer`,
    ));

  it('same referrer: the count is 74', () =>
    check(
      { metrics: ['visit_to_buy_conversion_rate_same_referrer'] },
      `SELECT 74.0::double precision / 392 AS visit_to_buy_conversion_rate_same_referrer`,
    ));

  it('same referrer per visit__referrer_id (the NULL-referrer visits have no conversions: NULL rate)', () =>
    check(
      { metrics: ['visit_to_buy_conversion_rate_same_referrer'], groupBy: ['visit__referrer_id'] },
      `WITH base AS (SELECT referrer_id AS k, count(*) AS n FROM marketplace.visits GROUP BY 1),
            conv AS (SELECT referrer_id AS k, count(*) AS n FROM (${credited(7, 'AND v.referrer_id = b.referrer_id')}) c GROUP BY 1)
       SELECT k AS visit__referrer_id, CAST(max(cn) AS double precision) / NULLIF(max(bn), 0) AS visit_to_buy_conversion_rate_same_referrer
         FROM (SELECT k, n AS bn, NULL::bigint AS cn FROM base UNION ALL SELECT k, NULL, n FROM conv) x GROUP BY k`,
    ));

  it('same referrer per metric_time__month: the credited visit is the latest one with the same referrer', () =>
    check(
      { metrics: ['visit_to_buy_conversion_rate_same_referrer'], groupBy: ['metric_time__month'] },
      `WITH base AS (SELECT date_trunc('month', ds)::date AS m, count(*) AS n FROM marketplace.visits GROUP BY 1),
            conv AS (SELECT date_trunc('month', vds)::date AS m, count(*) AS n FROM (${credited(7, 'AND v.referrer_id = b.referrer_id')}) c GROUP BY 1)
       SELECT coalesce(base.m, conv.m) AS metric_time__month, CAST(conv.n AS double precision) / NULLIF(base.n, 0) AS visit_to_buy_conversion_rate_same_referrer
         FROM base FULL JOIN conv ON conv.m = base.m`,
    ));

  it('no window: any earlier-or-same-day visit of the user (156 conversions)', () =>
    check(
      { metrics: ['visit_to_buy_conversion_rate_all_time'] },
      `SELECT CAST((SELECT count(*) FROM (${credited(null)}) c) AS double precision) / NULLIF((SELECT count(*) FROM marketplace.visits), 0)
                AS visit_to_buy_conversion_rate_all_time`,
    ));

  it('no window per metric_time__month: each buy in the month of its latest earlier visit', () =>
    check(
      { metrics: ['visit_to_buy_conversion_rate_all_time'], groupBy: ['metric_time__month'] },
      `WITH base AS (SELECT date_trunc('month', ds)::date AS m, count(*) AS n FROM marketplace.visits GROUP BY 1),
            conv AS (SELECT date_trunc('month', vds)::date AS m, count(*) AS n FROM (${credited(null)}) c GROUP BY 1)
       SELECT coalesce(base.m, conv.m) AS metric_time__month, CAST(conv.n AS double precision) / NULLIF(base.n, 0) AS visit_to_buy_conversion_rate_all_time
         FROM base FULL JOIN conv ON conv.m = base.m`,
    ));

  it('filtered base (listing-page visits only, window 1 week) per metric_time__month', () =>
    check(
      { metrics: ['listing_page_to_buy_conversion_rate'], groupBy: ['metric_time__month'] },
      `WITH lv AS (SELECT * FROM marketplace.visits WHERE page = 'listing'),
            base AS (SELECT date_trunc('month', ds)::date AS m, count(*) AS n FROM lv GROUP BY 1),
            conv AS (SELECT date_trunc('month', vds)::date AS m, count(*) AS n FROM (${credited(7, '', 'lv')}) c GROUP BY 1)
       SELECT coalesce(base.m, conv.m) AS metric_time__month, CAST(conv.n AS double precision) / NULLIF(base.n, 0) AS listing_page_to_buy_conversion_rate
         FROM base FULL JOIN conv ON conv.m = base.m`,
    ));

  it('three conversion metrics together, overall', () =>
    check(
      { metrics: ['visit_to_buy_conversion_rate_7d', 'visit_to_buy_conversion_rate_all_time', 'listing_page_to_buy_conversion_rate'] },
      `WITH lv AS (SELECT * FROM marketplace.visits WHERE page = 'listing')
       SELECT CAST((SELECT count(*) FROM (${credited(7)}) c) AS double precision) / (SELECT count(*) FROM marketplace.visits) AS visit_to_buy_conversion_rate_7d,
              CAST((SELECT count(*) FROM (${credited(null)}) c) AS double precision) / (SELECT count(*) FROM marketplace.visits) AS visit_to_buy_conversion_rate_all_time,
              CAST((SELECT count(*) FROM (${credited(7, '', 'lv')}) c) AS double precision) / (SELECT count(*) FROM lv) AS listing_page_to_buy_conversion_rate`,
    ));
});

describe('conversion metrics with a time constraint or a where filter', () => {
  /*
   * The time constraint 2020-02-01..2020-03-31 is chosen so that no buy is credited across its
   * edges (no buy after 2020-01-31 credited to a visit on or before it, none after 2020-03-31
   * credited to a visit in the range). So whether the constraint is applied to the visits only or
   * also to the buys does not change the expectation. No user has two same-day visits credited
   * with a buy inside it either, so grouping by visit__page is determined.
   */
  const inRange = (alias: string) => `${alias} BETWEEN '2020-02-01' AND '2020-03-31'`;

  it('per metric_time__month with a time constraint', () =>
    check(
      { metrics: ['visit_to_buy_conversions_7d', 'visit_to_buy_conversion_rate_7d'], groupBy: ['metric_time__month'], timeConstraint: { start: '2020-02-01', end: '2020-03-31' } },
      `WITH base AS (SELECT date_trunc('month', ds)::date AS m, count(*) AS n FROM marketplace.visits WHERE ${inRange('ds')} GROUP BY 1),
            conv AS (SELECT date_trunc('month', vds)::date AS m, count(*) AS n FROM (${credited(7)}) c WHERE ${inRange('vds')} GROUP BY 1)
       SELECT coalesce(base.m, conv.m) AS metric_time__month, conv.n AS visit_to_buy_conversions_7d,
              CAST(conv.n AS double precision) / NULLIF(base.n, 0) AS visit_to_buy_conversion_rate_7d
         FROM base FULL JOIN conv ON conv.m = base.m`,
    ));

  it('per visit__page with a time constraint', () =>
    check(
      { metrics: ['visit_to_buy_conversions_7d', 'visit_to_buy_conversion_rate_7d'], groupBy: ['visit__page'], timeConstraint: { start: '2020-02-01', end: '2020-03-31' } },
      `WITH base AS (SELECT page AS k, count(*) AS n FROM marketplace.visits WHERE ${inRange('ds')} GROUP BY 1),
            conv AS (SELECT page AS k, count(*) AS n FROM (${credited(7)}) c WHERE ${inRange('vds')} GROUP BY 1)
       SELECT coalesce(base.k, conv.k) AS visit__page, conv.n AS visit_to_buy_conversions_7d,
              CAST(conv.n AS double precision) / NULLIF(base.n, 0) AS visit_to_buy_conversion_rate_7d
         FROM base FULL JOIN conv ON conv.k = base.k`,
    ));

  it('per week with a where filter on the user home_state (as in the weekly funnel saved query)', () =>
    check(
      {
        metrics: ['visits', 'buys', 'visit_to_buy_conversion_rate_7d'],
        groupBy: ['metric_time__week', 'user__home_state'],
        where: [`{{ Dimension('user__home_state') }} IS NOT NULL`],
      },
      `WITH vu AS (SELECT v.*, u.home_state FROM marketplace.visits v JOIN marketplace.users u ON u.user_id = v.user_id WHERE u.home_state IS NOT NULL),
            bu AS (SELECT b.*, u.home_state FROM marketplace.buys b JOIN marketplace.users u ON u.user_id = b.user_id WHERE u.home_state IS NOT NULL),
            base AS (SELECT date_trunc('week', ds)::date AS w, home_state AS k, count(*) AS n FROM vu GROUP BY 1, 2),
            buys AS (SELECT date_trunc('week', ds)::date AS w, home_state AS k, count(*) AS n FROM bu GROUP BY 1, 2),
            conv AS (SELECT date_trunc('week', c.vds)::date AS w, u.home_state AS k, count(*) AS n
                       FROM (${credited(7)}) c JOIN marketplace.users u ON u.user_id = c.user_id WHERE u.home_state IS NOT NULL GROUP BY 1, 2)
       SELECT w AS metric_time__week, k AS user__home_state, max(vn) AS visits, max(bn) AS buys,
              CAST(max(cn) AS double precision) / NULLIF(max(vn), 0) AS visit_to_buy_conversion_rate_7d
         FROM (SELECT w, k, n AS vn, NULL::bigint AS bn, NULL::bigint AS cn FROM base
               UNION ALL SELECT w, k, NULL, n, NULL FROM buys
               UNION ALL SELECT w, k, NULL, NULL, n FROM conv) x
        GROUP BY w, k`,
    ));
});

describe('conversion metrics: a where filter on the base events', () => {
  it('a where filter on visit__page restricts the base events before matching (same as the filtered-base metric)', () =>
    check(
      { metrics: ['visit_to_buy_conversion_rate_7d', 'listing_page_to_buy_conversion_rate'], groupBy: ['metric_time__month'], where: [`{{ Dimension('visit__page') }} = 'listing'`] },
      `WITH lv AS (SELECT * FROM marketplace.visits WHERE page = 'listing'),
            base AS (SELECT date_trunc('month', ds)::date AS m, count(*) AS n FROM lv GROUP BY 1),
            conv AS (SELECT date_trunc('month', vds)::date AS m, count(*) AS n FROM (${credited(7, '', 'lv')}) c GROUP BY 1)
       SELECT coalesce(base.m, conv.m) AS metric_time__month,
              CAST(conv.n AS double precision) / NULLIF(base.n, 0) AS visit_to_buy_conversion_rate_7d,
              CAST(conv.n AS double precision) / NULLIF(base.n, 0) AS listing_page_to_buy_conversion_rate
         FROM base FULL JOIN conv ON conv.m = base.m`,
    ));

  it('grouped by metric_time__extract_dow (weekday of the credited visit)', () =>
    check(
      { metrics: ['visit_to_buy_conversions_7d', 'visit_to_buy_conversion_rate_7d'], groupBy: ['metric_time__extract_dow'] },
      `WITH base AS (SELECT extract(isodow FROM ds)::int AS k, count(*) AS n FROM marketplace.visits GROUP BY 1),
            conv AS (SELECT extract(isodow FROM vds)::int AS k, count(*) AS n FROM (${credited(7)}) c GROUP BY 1)
       SELECT coalesce(base.k, conv.k) AS metric_time__extract_dow, conv.n AS visit_to_buy_conversions_7d,
              CAST(conv.n AS double precision) / NULLIF(base.n, 0) AS visit_to_buy_conversion_rate_7d
         FROM base FULL JOIN conv ON conv.k = base.k`,
    ));
});
