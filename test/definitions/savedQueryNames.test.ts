import { groupByItemName } from '../../src/definitions/readOther';

describe('saved query group-by items', () => {
  it.each([
    ["TimeDimension('metric_time', 'DAY')", 'metric_time__day'],
    ["Dimension('listing__country_latest')", 'listing__country_latest'],
    ["{{ Dimension('listing__country_latest') }}", 'listing__country_latest'],
    ["Dimension('country_latest', entity_path=['listing'])", 'listing__country_latest'],
    ["Dimension('booking__ds').grain('month')", 'booking__ds__month'],
    ["TimeDimension('metric_time', date_part_name='year')", 'metric_time__extract_year'],
    ["Entity('listing')", 'listing'],
    ["Metric('bookings')", 'bookings'],
    ['metric_time__week', 'metric_time__week'],
  ])('%s -> %s', (text, name) => {
    expect(groupByItemName(text)).toBe(name);
  });

  it('refuses what is not an item reference', () => {
    expect(groupByItemName("Dimension('x'); DROP TABLE y")).toBeNull();
    expect(groupByItemName("lower(Dimension('x'))")).toBeNull();
  });
});
