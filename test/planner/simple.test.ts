import { marketplaceSuite } from '../support/semantics';

const { check } = marketplaceSuite();

describe('simple metrics', () => {
  it('sums a measure over everything', () =>
    check({ metrics: ['bookings', 'booking_value'] }, `SELECT count(*) AS bookings, sum(booking_value) AS booking_value FROM marketplace.bookings`));

  it('groups by metric_time at each grain, as dates', async () => {
    for (const grain of ['day', 'week', 'month', 'quarter', 'year']) {
      await check(
        { metrics: ['bookings'], groupBy: [`metric_time__${grain}`] },
        `SELECT date_trunc('${grain}', ds)::date AS metric_time__${grain}, count(*) AS bookings FROM marketplace.bookings GROUP BY 1`,
      );
    }
  });

  it('gives metric_time without a grain its default grain and suffix', () =>
    check(
      { metrics: ['bookings'], groupBy: ['metric_time'] },
      `SELECT ds AS metric_time__day, count(*) AS bookings FROM marketplace.bookings GROUP BY 1`,
    ));

  it('groups by a local categorical dimension, NULLs as their own group', () =>
    check(
      { metrics: ['bookings', 'instant_bookings'], groupBy: ['booking__is_instant'] },
      `SELECT is_instant AS booking__is_instant, count(*) AS bookings, sum(CASE WHEN is_instant THEN 1 ELSE 0 END) AS instant_bookings
         FROM marketplace.bookings GROUP BY 1`,
    ));

  it('applies the time constraint inclusively', () =>
    check(
      { metrics: ['bookings'], groupBy: ['metric_time__day'], timeConstraint: { start: '2020-01-05', end: '2020-01-20' } },
      `SELECT ds AS metric_time__day, count(*) AS bookings FROM marketplace.bookings
        WHERE ds BETWEEN '2020-01-05' AND '2020-01-20' GROUP BY 1`,
    ));

  it('applies a metric filter', () =>
    check(
      { metrics: ['instant_bookings_filtered'], groupBy: ['metric_time__month'] },
      `SELECT date_trunc('month', ds)::date AS metric_time__month, count(*) AS instant_bookings_filtered
         FROM marketplace.bookings WHERE is_instant GROUP BY 1`,
    ));
});
