import { collectReferences } from '../../src/definitions/filter/ast';
import { FilterSyntaxError, parseExpression } from '../../src/definitions/filter/parser';

function refs(text: string) {
  return collectReferences(parseExpression(text));
}

function expectSyntaxError(text: string, message: RegExp, at?: number) {
  let caught: unknown;
  try {
    parseExpression(text);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(FilterSyntaxError);
  expect((caught as FilterSyntaxError).message).toMatch(message);
  if (at !== undefined) expect((caught as FilterSyntaxError).at).toBe(at);
}

describe('filter parser', () => {
  it('reads dbt Jinja references with their arguments and methods', () => {
    expect(refs("{{ Dimension('booking__is_instant') }}")).toEqual([
      { type: 'dimension', name: 'booking__is_instant', entityPath: [] },
    ]);
    expect(refs("{{ Dimension('country', entity_path=['listing']) }} = 'us'")).toEqual([
      { type: 'dimension', name: 'country', entityPath: ['listing'] },
    ]);
    expect(refs("{{ Dimension('booking__ds').grain('month') }} = '2020-01-01'")).toEqual([
      { type: 'dimension', name: 'booking__ds', entityPath: [], grain: 'month' },
    ]);
    expect(refs("{{ TimeDimension('metric_time', 'MONTH') }} >= '2020-01-01'")).toEqual([
      { type: 'timeDimension', name: 'metric_time', entityPath: [], grain: 'month' },
    ]);
    expect(refs("{{ TimeDimension('ds', 'day', entity_path=['booking']) }} < '2020-02-01'")).toEqual([
      { type: 'timeDimension', name: 'ds', entityPath: ['booking'], grain: 'day' },
    ]);
    expect(refs("{{ Dimension('metric_time').date_part('year') }} = 2020")).toEqual([
      { type: 'dimension', name: 'metric_time', entityPath: [], datePart: 'year' },
    ]);
    expect(refs("{{ Entity('listing') }} IS NOT NULL")).toEqual([{ type: 'entity', name: 'listing', entityPath: [] }]);
    expect(refs("{{ Metric('bookings', group_by=['listing']) }} > 2")).toEqual([
      { type: 'metric', name: 'bookings', groupBy: ['listing'] },
    ]);
    expect(refs('{{Dimension("user__home_state")}} IN (\'CA\', \'MN\')')).toEqual([
      { type: 'dimension', name: 'user__home_state', entityPath: [] },
    ]);
  });

  it('builds the operator tree with SQL precedence', () => {
    const expr = parseExpression("{{ Dimension('a__b') }} = 1 OR {{ Dimension('a__c') }} = 2 AND NOT {{ Dimension('a__d') }}");
    expect(expr.kind).toBe('binary');
    if (expr.kind !== 'binary') return;
    expect(expr.op).toBe('or');
    expect(expr.right.kind === 'binary' && expr.right.op).toBe('and');
    const arithmetic = parseExpression('1 + 2 * 3 - 4');
    expect(arithmetic).toMatchObject({ op: '-', left: { op: '+', right: { op: '*' } } });
  });

  it('accepts the SQL predicates filters are written with', () => {
    const ok = [
      "{{ Dimension('a__b') }} BETWEEN 1 AND 10",
      "{{ Dimension('a__b') }} NOT BETWEEN 1 AND 10",
      "{{ Dimension('a__b') }} NOT IN ('x', 'y')",
      "{{ Dimension('a__b') }} ILIKE '%x%'",
      "{{ Dimension('a__b') }} NOT LIKE 'x_'",
      "{{ Dimension('a__b') }} IS TRUE",
      "{{ Dimension('a__b') }} IS NOT DISTINCT FROM NULL",
      "lower({{ Dimension('a__b') }}) = 'x'",
      "coalesce({{ Dimension('a__b') }}, 0) > 5",
      "CAST({{ Dimension('a__b') }} AS DATE) >= DATE '2020-01-01'",
      "{{ Dimension('a__b') }}::numeric(10, 2) > 1.5",
      "CASE WHEN {{ Dimension('a__b') }} > 1 THEN 'big' ELSE 'small' END = 'big'",
      "EXTRACT(year FROM {{ TimeDimension('metric_time', 'day') }}) = 2020",
      "{{ Dimension('a__b') }} = True",
      "{{ TimeDimension('metric_time', 'day') }} >= CURRENT_DATE - INTERVAL '7 days'",
    ];
    for (const text of ok) expect(() => parseExpression(text)).not.toThrow();
  });

  it('rejects anything that could escape the expression, with its position', () => {
    expectSyntaxError("{{ Dimension('a__b') }} = 1; DROP TABLE x", /';' is not allowed/, 27);
    expectSyntaxError("{{ Dimension('a__b') }} = 1 -- comment", /comments/, 28);
    expectSyntaxError("{{ Dimension('a__b') }} = 1 /* x */", /comments/);
    expectSyntaxError("{{ Dimension('a__b') }} = $$x$$", /'\$' is not allowed/);
    expectSyntaxError("{{ Dimension('a__b') }} = (SELECT 1)", /unexpected keyword SELECT/);
    expectSyntaxError("pg_sleep(10) = 1", /function 'pg_sleep' is not allowed/, 0);
    expectSyntaxError('"secret" = 1', /double quotes are not allowed/);
    expectSyntaxError('is_instant = true', /unexpected name 'is_instant'/, 0);
    expectSyntaxError("{{ Dimension('a__b') }} = 'unterminated", /unterminated string/, 26);
    expectSyntaxError("{{ Dimension('a__b') }} >", /expected an expression but found the end/);
    expectSyntaxError("{{ Dimensoin('a__b') }}", /unknown template function 'Dimensoin'.*Did you mean 'Dimension'/);
    expectSyntaxError("{{ Dimension('a__b', entity_paht=['x']) }}", /unknown argument 'entity_paht'.*Did you mean 'entity_path'/);
    expectSyntaxError("{{ Dimension('a__b').grian('month') }}", /unknown method '.grian\(\)'/);
    expectSyntaxError("CAST({{ Dimension('a__b') }} AS regclass) = 1", /cannot cast to 'regclass'/);
    expectSyntaxError("lower({{ Dimension('a__b') }}, 'x') = 'x'", /lower\(\) takes 1 argument, got 2/);
  });

  it('lets derived expressions name their inputs', () => {
    const expr = parseExpression('bookings - bookings_2_weeks_ago', { allowIdentifiers: true, allowTemplates: false });
    expect(expr).toMatchObject({ kind: 'binary', op: '-', left: { kind: 'identifier', name: 'bookings' } });
    expect(() => parseExpression("{{ Dimension('x__y') }}", { allowIdentifiers: true, allowTemplates: false })).toThrow(
      /templates are not allowed/,
    );
  });
});
