import { join } from 'node:path';
import { DefinitionsError, formatIssue, loadDefinitions, readDefinitionFiles, SemanticGraph, type SourceFile } from '../../src/definitions';
import { MARKETPLACE_DIR } from '../support/marketplace';

function problems(files: SourceFile[], vars: Record<string, string> = {}): string[] {
  try {
    loadDefinitions(files, { vars });
  } catch (error) {
    if (error instanceof DefinitionsError) return error.issues.map(formatIssue);
    throw error;
  }
  return [];
}

const one = (content: string, path = 'models/m.yml'): SourceFile[] => [{ path, content }];

const MODEL = `semantic_models:
  - name: orders
    node_relation: { schema_name: shop, alias: orders }
    defaults: { agg_time_dimension: ordered_at }
    entities:
      - { name: order, type: primary, expr: order_id }
      - { name: customer, type: foreign, expr: customer_id }
    dimensions:
      - { name: ordered_at, type: time, type_params: { time_granularity: day } }
      - { name: status, type: categorical }
    measures:
      - { name: revenue, agg: sum, expr: amount }
      - { name: order_count, agg: count, expr: order_id }
`;

describe('loading a realistic project', () => {
  it('reads every model and metric type of the marketplace fixture', async () => {
    const files = await readDefinitionFiles(join(MARKETPLACE_DIR, 'models'));
    const defs = loadDefinitions(files);
    const types = new Set(defs.metrics.map((m) => m.type));
    expect([...types].sort()).toEqual(['conversion', 'cumulative', 'derived', 'ratio', 'simple']);
    expect(defs.semanticModels.map((m) => m.name)).toEqual(
      expect.arrayContaining(['bookings', 'listings', 'listing_history', 'users', 'companies', 'visits', 'buys', 'account_balances']),
    );
    expect(defs.savedQueries.length).toBeGreaterThanOrEqual(2);
    expect(defs.timeSpines[0]).toMatchObject({ column: 'ds', granularity: 'day', relation: { schema: 'marketplace', alias: 'time_spine_days' } });
    const graph = new SemanticGraph(defs);
    expect(graph.findElement(graph.models.get('bookings')!, ['listing'], 'country').map((m) => m.model.name)).toEqual(['listings']);
  });

  it('normalizes defaults so spellings of the same meaning are equal', () => {
    const a = loadDefinitions(one(MODEL));
    const b = loadDefinitions(one(MODEL.replace('{ name: status, type: categorical }', '{ name: status, type: CATEGORICAL, expr: status }')));
    expect(JSON.stringify(b.semanticModels[0]!.dimensions[1]!, (k, v) => (k === 'loc' ? undefined : v))).toBe(
      JSON.stringify(a.semanticModels[0]!.dimensions[1]!, (k, v) => (k === 'loc' ? undefined : v)),
    );
    expect(a.semanticModels[0]!.relation).toEqual({ database: null, schema: 'shop', alias: 'orders' });
    expect(a.semanticModels[0]!.measures[0]!.aggTimeDimension).toBe('ordered_at');
  });

  it('substitutes $var in node_relation and {{ var() }} anywhere', () => {
    const text = MODEL.replace('schema_name: shop', 'schema_name: $schema').replace('expr: amount', `expr: "amount * {{ var('rate') }}"`);
    const defs = loadDefinitions(one(text), { vars: { schema: 'analytics', rate: '1.2' } });
    expect(defs.semanticModels[0]!.relation.schema).toBe('analytics');
    expect(defs.semanticModels[0]!.measures[0]!.expr).toBe('amount * 1.2');
    expect(problems(one(text), { schema: 'x' })).toEqual([
      "models/m.yml:12:42: variable 'rate' is not set; pass it at publish time (--var rate=...).",
    ]);
  });

  it('accepts MetricFlow-style single-object documents and model: ref()', () => {
    const text = `semantic_model:
  name: visits
  model: ref('fct_visits')
  primary_entity: visit
  defaults: { agg_time_dimension: ds }
  dimensions:
    - { name: ds, type: time, type_params: { time_granularity: day } }
  measures:
    - { name: visit_count, agg: sum, expr: '1' }
---
metric:
  name: visits
  type: simple
  type_params: { measure: visit_count }
`;
    const defs = loadDefinitions(one(text));
    expect(defs.semanticModels[0]!.relation).toEqual({ database: null, schema: null, alias: 'fct_visits' });
    expect(defs.metrics[0]!.name).toBe('visits');
  });

  it('accepts the latest spec: semantic models on dbt models, simple metrics with agg', () => {
    const text = `models:
  - name: orders
    semantic_model: true
    agg_time_dimension: ordered_at
    columns:
      - { name: order_id, entity: { type: primary, name: order } }
      - { name: ordered_at, granularity: day, dimension: time }
      - { name: status, dimension: categorical }
    metrics:
      - { name: order_total, agg: sum, expr: amount }
      - { name: completed_orders, agg: count, expr: 1, filter: "{{ Dimension('order__status') }} = 'completed'" }
metrics:
  - name: revenue_mtd
    type: cumulative
    input_metric: order_total
    grain_to_date: month
`;
    const defs = loadDefinitions(one(text));
    const model = defs.semanticModels[0]!;
    expect(model.entities[0]).toMatchObject({ name: 'order', expr: 'order_id', type: 'primary' });
    expect(model.measures.map((m) => [m.name, m.agg, m.expr])).toEqual([
      ['order_total', 'sum', 'amount'],
      ['completed_orders', 'count', '1'],
    ]);
    const mtd = defs.metrics.find((m) => m.name === 'revenue_mtd')!;
    expect(mtd.params).toMatchObject({ type: 'cumulative', grainToDate: 'month', measure: { name: 'order_total' } });
  });
});

describe('broken files', () => {
  // [what, file content, exact problems]
  const cases: Array<[string, string, string[]]> = [
    [
      'a YAML syntax error',
      `semantic_models:\n  - name: orders\n    entities: [unclosed\n`,
      ['models/m.yml:4:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ],
    [
      'an unknown measure, with a suggestion',
      `${MODEL}metrics:\n  - name: rev\n    type: simple\n    type_params: { measure: revenu }\n`,
      ["models/m.yml:17:29: metric 'rev': measure 'revenu' is not a measure. Did you mean 'revenue'?"],
    ],
    [
      'an unknown aggregation',
      MODEL.replace('agg: sum', 'agg: summ'),
      ["models/m.yml:12:31: measure 'revenue' of semantic model 'orders': 'agg' is 'summ'; expected one of sum, count, count_distinct, average, min, max, median, percentile, sum_boolean. Did you mean 'sum'?"],
    ],
    [
      'a misspelt field',
      MODEL.replace('defaults:', 'defualts:'),
      [
        "models/m.yml:4:5: semantic model 'orders' has an unknown field 'defualts'; expected one of config, defaults, description, dimensions, enabled, entities, group, label, measures, meta, name, node_relation, primary_entity, tags. Did you mean 'defaults'?",
        "models/m.yml:12:9: measure 'revenue' of semantic model 'orders' has no agg_time_dimension and the model has no defaults.agg_time_dimension; expected one of its time dimensions (ordered_at)",
        "models/m.yml:13:9: measure 'order_count' of semantic model 'orders' has no agg_time_dimension and the model has no defaults.agg_time_dimension; expected one of its time dimensions (ordered_at)",
      ],
    ],
    [
      'a cycle among derived metrics',
      `${MODEL}metrics:
  - { name: aa, type: derived, type_params: { expr: bb + 1, metrics: [{ name: bb }] } }
  - { name: bb, type: derived, type_params: { expr: aa * 2, metrics: [{ name: aa }] } }
`,
      ["models/m.yml:15:5: metric 'aa' depends on itself: aa -> bb -> aa"],
    ],
    [
      'a filter that does not parse',
      `${MODEL}metrics:
  - name: done
    type: simple
    filter: "{{ Dimension('order__status') }} = 'done' AND"
    type_params: { measure: order_count }
`,
      ["models/m.yml:17:59: metric 'done': filter does not parse: expected an expression but found the end of the expression"],
    ],
    [
      'a filter on a dimension that cannot be reached',
      `${MODEL}metrics:
  - name: done
    type: simple
    filter: "{{ Dimension('order__stauts') }} = 'done'"
    type_params: { measure: order_count }
`,
      ["models/m.yml:17:14: metric 'done': 'order__stauts' is not a dimension or entity reachable from semantic model 'orders'. Did you mean 'order__status' or 'order'?"],
    ],
    [
      'a duplicate metric and a reserved name',
      `${MODEL}metrics:
  - { name: rev, type: simple, type_params: { measure: revenue } }
  - { name: rev, type: simple, type_params: { measure: revenue } }
  - { name: metric_time, type: simple, type_params: { measure: revenue } }
`,
      [
        "models/m.yml:16:5: duplicate metric name 'rev' (first defined at models/m.yml:15)",
        "models/m.yml:17:13: 'metric_time' is a reserved name and cannot be used for a metric",
      ],
    ],
    [
      'an invalid name',
      MODEL.replace('name: status', 'name: Order__Status'),
      [
        "models/m.yml:10:17: invalid dimension name 'Order__Status': expected lower case letters, digits and single underscores, starting with a letter and not ending with '_' (at least 2 characters)",
      ],
    ],
    [
      'a time dimension that is not one',
      MODEL.replace('agg_time_dimension: ordered_at', 'agg_time_dimension: status'),
      ["models/m.yml:2:5: semantic model 'orders': defaults.agg_time_dimension 'status' is not a time dimension of the model."],
    ],
    [
      'dimensions without a primary entity',
      MODEL.replace('{ name: order, type: primary, expr: order_id }', '{ name: order, type: foreign, expr: order_id }'),
      [
        "models/m.yml:2:5: semantic model 'orders' has dimensions but no primary entity; add an entity of type primary or 'primary_entity: <name>' so its dimensions can be addressed",
      ],
    ],
    [
      'a join onto a foreign entity',
      `${MODEL}  - name: customers
    node_relation: { schema_name: shop, alias: customers }
    primary_entity: person
    entities:
      - { name: customer, type: foreign, expr: customer_id }
    dimensions:
      - { name: region, type: categorical }
metrics:
  - name: eu_revenue
    type: simple
    filter: "{{ Dimension('customer__region') }} = 'eu'"
    type_params: { measure: revenue }
`,
      [
        "models/m.yml:24:14: metric 'eu_revenue': 'customer__region' cannot be reached from semantic model 'orders' along the entity path [customer] (joins may only land on a primary, unique or natural entity). Did you mean 'customer'?",
      ],
    ],
  ];

  it.each(cases)('reports %s with its exact position, all at once', (_what, content, expected) => {
    expect(problems(one(content))).toEqual(expected);
  });

  it('names the file of each problem across several files', () => {
    const files: SourceFile[] = [
      { path: 'models/orders.yml', content: MODEL },
      { path: 'models/metrics.yml', content: 'metrics:\n  - { name: m1, type: simple, type_params: { measure: nope } }\n' },
      { path: 'models/broken.yml', content: 'metrics: [\n' },
    ];
    expect(problems(files)).toEqual([
      'models/broken.yml:2:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
      "models/metrics.yml:2:55: metric 'm1': measure 'nope' is not a measure.",
    ]);
  });
});
