import { marketplaceSuite } from '../support/semantics';

const { check } = marketplaceSuite();

/*
 * Semi-additive measures (src/planner/README.md): per partition (the requested bucket of the
 * non-additive time dimension or metric_time over it, plus window_groupings) keep the rows at the
 * min/max of that dimension, then aggregate. Other group-by items are not part of the partition
 * (as in MetricFlow's semi-additive join), so e.g. a user's savings account drops out of a month
 * where the user's latest snapshot is a checking one.
 *
 *   account_balance                  sum, max ds per user
 *   current_balance_per_account      sum, max ds per account
 *   total_account_balance_first_day  sum, min ds (global, no groupings)
 *
 * The time constraint filters rows first (it applies to the measure's aggregation time); the
 * min/max is then taken over what is left.
 */

const AB = 'marketplace.account_balances';

/** Rows at the max (or min) ds per partition given as SQL expressions. */
const kept = (choice: 'max' | 'min', partition: string[], where = 'true') => `
  SELECT a.* FROM ${AB} a
   WHERE ${where} AND a.ds = (SELECT ${choice}(a2.ds) FROM ${AB} a2
                               WHERE ${where.replace(/\ba\./g, 'a2.')} ${partition.map((p) => `AND ${p.replace(/\ba\./g, 'a2.')} = ${p}`).join(' ')})`;

describe('account_balance (max ds per user)', () => {
  it('without metric_time: each user latest snapshot(s), summed', () =>
    check({ metrics: ['account_balance'] }, `SELECT sum(account_balance) AS account_balance FROM (${kept('max', ['a.user_id'])}) k`));

  it('per metric_time__month: latest snapshot per user and month', () =>
    check(
      { metrics: ['account_balance'], groupBy: ['metric_time__month'] },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, sum(account_balance) AS account_balance
         FROM (${kept('max', ["date_trunc('month', a.ds)", 'a.user_id'])}) k GROUP BY 1`,
    ));

  it('per metric_time__day: every snapshot is the latest of its day', () =>
    check(
      { metrics: ['account_balance'], groupBy: ['metric_time__day'] },
      `SELECT ds AS metric_time__day, sum(account_balance) AS account_balance FROM ${AB} GROUP BY ds`,
    ));

  it('per metric_time__week (ISO weeks, across the year boundary)', () =>
    check(
      { metrics: ['account_balance'], groupBy: ['metric_time__week'] },
      `SELECT date_trunc('week', ds)::date AS metric_time__week, sum(account_balance) AS account_balance
         FROM (${kept('max', ["date_trunc('week', a.ds)", 'a.user_id'])}) k GROUP BY 1`,
    ));

  it('per metric_time__quarter', () =>
    check(
      { metrics: ['account_balance'], groupBy: ['metric_time__quarter'] },
      `SELECT date_trunc('quarter', ds)::date AS metric_time__quarter, sum(account_balance) AS account_balance
         FROM (${kept('max', ["date_trunc('quarter', a.ds)", 'a.user_id'])}) k GROUP BY 1`,
    ));

  it('per month and account_type: the partition stays (month, user)', () =>
    check(
      { metrics: ['account_balance'], groupBy: ['metric_time__month', 'balance_snapshot__account_type'] },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, account_type AS balance_snapshot__account_type, sum(account_balance) AS account_balance
         FROM (${kept('max', ["date_trunc('month', a.ds)", 'a.user_id'])}) k GROUP BY 1, 2`,
    ));

  it('per user__home_state without metric_time (joined dimension)', () =>
    check(
      { metrics: ['account_balance'], groupBy: ['user__home_state'] },
      `SELECT u.home_state AS user__home_state, sum(k.account_balance) AS account_balance
         FROM (${kept('max', ['a.user_id'])}) k LEFT JOIN marketplace.users u ON u.user_id = k.user_id GROUP BY 1`,
    ));

  it('per account entity without metric_time: an account not on its user latest date has no row', () =>
    check(
      { metrics: ['account_balance'], groupBy: ['account'] },
      `SELECT account_id AS account, sum(account_balance) AS account_balance FROM (${kept('max', ['a.user_id'])}) k GROUP BY 1`,
    ));

  it('per month and user', () =>
    check(
      { metrics: ['account_balance'], groupBy: ['metric_time__month', 'user'] },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, user_id AS "user", sum(account_balance) AS account_balance
         FROM (${kept('max', ["date_trunc('month', a.ds)", 'a.user_id'])}) k GROUP BY 1, 2`,
    ));

  it('with a time constraint and without metric_time: latest snapshot per user inside the range', () =>
    check(
      { metrics: ['account_balance'], timeConstraint: { start: '2020-01-01', end: '2020-02-15' } },
      `SELECT sum(account_balance) AS account_balance
         FROM (${kept('max', ['a.user_id'], "a.ds BETWEEN '2020-01-01' AND '2020-02-15'")}) k`,
    ));

  it('per month with a time constraint ending mid-month', () =>
    check(
      { metrics: ['account_balance'], groupBy: ['metric_time__month'], timeConstraint: { start: '2020-02-10', end: '2020-04-20' } },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, sum(account_balance) AS account_balance
         FROM (${kept('max', ["date_trunc('month', a.ds)", 'a.user_id'], "a.ds BETWEEN '2020-02-10' AND '2020-04-20'")}) k GROUP BY 1`,
    ));
});

describe('current_balance_per_account (max ds per account)', () => {
  it('without metric_time', () =>
    check({ metrics: ['current_balance_per_account'] }, `SELECT sum(account_balance) AS current_balance_per_account FROM (${kept('max', ['a.account_id'])}) k`));

  it('per metric_time__month', () =>
    check(
      { metrics: ['current_balance_per_account'], groupBy: ['metric_time__month'] },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, sum(account_balance) AS current_balance_per_account
         FROM (${kept('max', ["date_trunc('month', a.ds)", 'a.account_id'])}) k GROUP BY 1`,
    ));

  it('per month and account_type', () =>
    check(
      { metrics: ['current_balance_per_account'], groupBy: ['metric_time__month', 'balance_snapshot__account_type'] },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, account_type AS balance_snapshot__account_type, sum(account_balance) AS current_balance_per_account
         FROM (${kept('max', ["date_trunc('month', a.ds)", 'a.account_id'])}) k GROUP BY 1, 2`,
    ));
});

describe('total_account_balance_first_day (min ds, no window_groupings)', () => {
  it('without metric_time: only the snapshots on the very first snapshot date', () =>
    check(
      { metrics: ['total_account_balance_first_day'] },
      `SELECT sum(account_balance) AS total_account_balance_first_day FROM ${AB} WHERE ds = (SELECT min(ds) FROM ${AB})`,
    ));

  it('per metric_time__month: the snapshots on each month first snapshot date', () =>
    check(
      { metrics: ['total_account_balance_first_day'], groupBy: ['metric_time__month'] },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, sum(account_balance) AS total_account_balance_first_day
         FROM (${kept('min', ["date_trunc('month', a.ds)"])}) k GROUP BY 1`,
    ));

  it('per metric_time__day: all snapshots of the day', () =>
    check(
      { metrics: ['total_account_balance_first_day'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-03-01', end: '2020-03-31' } },
      `SELECT ds AS metric_time__day, sum(account_balance) AS total_account_balance_first_day FROM ${AB}
        WHERE ds BETWEEN '2020-03-01' AND '2020-03-31' GROUP BY ds`,
    ));

  it('per month and user__home_state: the global first date per month, split by state (states without a row that day are absent)', () =>
    check(
      { metrics: ['total_account_balance_first_day'], groupBy: ['metric_time__month', 'user__home_state'] },
      `SELECT date_trunc('month', k.ds)::date AS metric_time__month, u.home_state AS user__home_state, sum(k.account_balance) AS total_account_balance_first_day
         FROM (${kept('min', ["date_trunc('month', a.ds)"])}) k LEFT JOIN marketplace.users u ON u.user_id = k.user_id GROUP BY 1, 2`,
    ));

  it('per month with a time constraint starting mid-month (the min is taken inside the range)', () =>
    check(
      { metrics: ['total_account_balance_first_day'], groupBy: ['metric_time__month'], timeConstraint: { start: '2020-01-15', end: '2020-03-31' } },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, sum(account_balance) AS total_account_balance_first_day
         FROM (${kept('min', ["date_trunc('month', a.ds)"], "a.ds BETWEEN '2020-01-15' AND '2020-03-31'")}) k GROUP BY 1`,
    ));

  it('per week', () =>
    check(
      { metrics: ['total_account_balance_first_day'], groupBy: ['metric_time__week'] },
      `SELECT date_trunc('week', ds)::date AS metric_time__week, sum(account_balance) AS total_account_balance_first_day
         FROM (${kept('min', ["date_trunc('week', a.ds)"])}) k GROUP BY 1`,
    ));
});

describe('semi-additive measures together', () => {
  it('the three measures of one model per month', () =>
    check(
      { metrics: ['account_balance', 'current_balance_per_account', 'total_account_balance_first_day'], groupBy: ['metric_time__month'] },
      `WITH u AS (SELECT date_trunc('month', ds)::date AS m, sum(account_balance) AS v FROM (${kept('max', ["date_trunc('month', a.ds)", 'a.user_id'])}) k GROUP BY 1),
            c AS (SELECT date_trunc('month', ds)::date AS m, sum(account_balance) AS v FROM (${kept('max', ["date_trunc('month', a.ds)", 'a.account_id'])}) k GROUP BY 1),
            f AS (SELECT date_trunc('month', ds)::date AS m, sum(account_balance) AS v FROM (${kept('min', ["date_trunc('month', a.ds)"])}) k GROUP BY 1)
       SELECT u.m AS metric_time__month, u.v AS account_balance, c.v AS current_balance_per_account, f.v AS total_account_balance_first_day
         FROM u JOIN c ON c.m = u.m JOIN f ON f.m = u.m`,
    ));

  it('the three measures without metric_time', () =>
    check(
      { metrics: ['account_balance', 'current_balance_per_account', 'total_account_balance_first_day'] },
      `SELECT (SELECT sum(account_balance) FROM (${kept('max', ['a.user_id'])}) k) AS account_balance,
              (SELECT sum(account_balance) FROM (${kept('max', ['a.account_id'])}) k) AS current_balance_per_account,
              (SELECT sum(account_balance) FROM ${AB} WHERE ds = (SELECT min(ds) FROM ${AB})) AS total_account_balance_first_day`,
    ));

  it('account_balance next to an additive metric of another model (bookings) per month', () =>
    check(
      { metrics: ['account_balance', 'bookings'], groupBy: ['metric_time__month'] },
      `WITH u AS (SELECT date_trunc('month', ds)::date AS m, sum(account_balance) AS v FROM (${kept('max', ["date_trunc('month', a.ds)", 'a.user_id'])}) k GROUP BY 1),
            b AS (SELECT date_trunc('month', ds)::date AS m, count(*) AS n FROM marketplace.bookings GROUP BY 1)
       SELECT coalesce(u.m, b.m) AS metric_time__month, u.v AS account_balance, b.n AS bookings FROM u FULL JOIN b ON b.m = u.m`,
    ));
});

describe('semi-additive measures with filters and other time items', () => {
  it('a where filter applies before the max is taken (each user latest savings snapshot; as MetricFlow)', () =>
    check(
      { metrics: ['account_balance'], where: [`{{ Dimension('balance_snapshot__account_type') }} = 'savings'`] },
      `SELECT sum(account_balance) AS account_balance FROM (${kept('max', ['a.user_id'], "a.account_type = 'savings'")}) k`,
    ));

  it('a where filter on a joined dimension with total_account_balance_first_day per month (min over the remaining rows)', () =>
    check(
      { metrics: ['total_account_balance_first_day'], groupBy: ['metric_time__month'], where: [`{{ Dimension('user__home_state') }} = 'IL'`] },
      `WITH il AS (SELECT a.* FROM ${AB} a JOIN marketplace.users u ON u.user_id = a.user_id WHERE u.home_state = 'IL')
       SELECT date_trunc('month', ds)::date AS metric_time__month, sum(account_balance) AS total_account_balance_first_day
         FROM il WHERE ds = (SELECT min(i2.ds) FROM il i2 WHERE date_trunc('month', i2.ds) = date_trunc('month', il.ds)) GROUP BY 1`,
    ));

  it('grouped by the non-additive dimension itself (balance_snapshot__ds__month) partitions like metric_time__month', () =>
    check(
      { metrics: ['account_balance'], groupBy: ['balance_snapshot__ds__month'] },
      `SELECT date_trunc('month', ds)::date AS balance_snapshot__ds__month, sum(account_balance) AS account_balance
         FROM (${kept('max', ["date_trunc('month', a.ds)", 'a.user_id'])}) k GROUP BY 1`,
    ));

  it('per metric_time__year', () =>
    check(
      { metrics: ['account_balance', 'total_account_balance_first_day'], groupBy: ['metric_time__year'] },
      `WITH u AS (SELECT date_trunc('year', ds)::date AS y, sum(account_balance) AS v FROM (${kept('max', ["date_trunc('year', a.ds)", 'a.user_id'])}) k GROUP BY 1),
            f AS (SELECT date_trunc('year', ds)::date AS y, sum(account_balance) AS v FROM (${kept('min', ["date_trunc('year', a.ds)"])}) k GROUP BY 1)
       SELECT u.y AS metric_time__year, u.v AS account_balance, f.v AS total_account_balance_first_day FROM u JOIN f ON f.y = u.y`,
    ));

  it('current_balance_per_account per month and account', () =>
    check(
      { metrics: ['current_balance_per_account'], groupBy: ['metric_time__month', 'account'] },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, account_id AS account, sum(account_balance) AS current_balance_per_account
         FROM (${kept('max', ["date_trunc('month', a.ds)", 'a.account_id'])}) k GROUP BY 1, 2`,
    ));

  it('account_balance per month and user__home_state', () =>
    check(
      { metrics: ['account_balance'], groupBy: ['metric_time__month', 'user__home_state'] },
      `SELECT date_trunc('month', k.ds)::date AS metric_time__month, u.home_state AS user__home_state, sum(k.account_balance) AS account_balance
         FROM (${kept('max', ["date_trunc('month', a.ds)", 'a.user_id'])}) k LEFT JOIN marketplace.users u ON u.user_id = k.user_id GROUP BY 1, 2`,
    ));
});
