import type { SourceFile } from '../src/definitions';

/**
 * A generated definition set of `models` semantic models and `metrics` metrics, shaped like
 * a large real project: each model joins the previous one and a far one, has a time and
 * categorical dimensions and three measures; metrics are mostly simple, with ratios,
 * derived and cumulative ones on top.
 */
export function generateManifest(models: number, metrics: number): SourceFile[] {
  const files: SourceFile[] = [];
  const simple: string[] = [];
  for (let i = 0; i < models; i++) {
    const entities = [`      - { name: e${i}, type: primary, expr: id }`];
    if (i > 0) entities.push(`      - { name: e${i - 1}, type: foreign, expr: parent_id }`);
    const far = (i * 7 + 3) % models;
    if (far !== i && far !== i - 1) entities.push(`      - { name: e${far}, type: foreign, expr: far_id }`);
    const measures = ['sum', 'count', 'count_distinct'].map((agg, k) => {
      const name = `m${i}_${agg}`;
      simple.push(name);
      return `      - { name: ${name}, agg: ${agg}, expr: ${k === 0 ? 'amount' : 'id'} }`;
    });
    files.push({
      path: `models/model_${String(i).padStart(3, '0')}.yml`,
      content: `semantic_models:
  - name: model_${i}
    description: Generated model ${i}
    node_relation: { schema_name: bench, alias: t_${i} }
    defaults: { agg_time_dimension: ds }
    entities:
${entities.join('\n')}
    dimensions:
      - { name: ds, type: time, type_params: { time_granularity: day } }
      - { name: cat_a_${i}, type: categorical, expr: cat_a }
      - { name: cat_b_${i}, type: categorical, expr: cat_b }
    measures:
${measures.join('\n')}
`,
    });
  }
  const lines: string[] = ['metrics:'];
  let count = 0;
  const simpleCount = Math.min(simple.length, Math.floor(metrics * 0.75));
  for (let i = 0; i < simpleCount; i++, count++) {
    const measure = simple[i]!;
    lines.push(`  - name: metric_${count}`, `    type: simple`, `    label: Metric ${count}`, `    type_params: { measure: ${measure} }`);
    if (i % 10 === 0) lines.push(`    filter: "{{ Dimension('e${Math.floor(i / 3)}__cat_a_${Math.floor(i / 3)}') }} = 'a'"`);
  }
  const pick = (n: number) => `metric_${n % simpleCount}`;
  for (let i = 0; count < metrics; i++, count++) {
    const kind = i % 4;
    if (kind === 0 || kind === 1)
      lines.push(`  - name: metric_${count}`, `    type: ratio`, `    type_params: { numerator: ${pick(i * 3)}, denominator: ${pick(i * 3 + 1)} }`);
    else if (kind === 2)
      lines.push(
        `  - name: metric_${count}`,
        `    type: derived`,
        `    type_params:`,
        `      expr: a - b`,
        `      metrics: [{ name: ${pick(i * 5)}, alias: a }, { name: ${pick(i * 5)}, alias: b, offset_window: 1 month }]`,
      );
    else
      lines.push(
        `  - name: metric_${count}`,
        `    type: cumulative`,
        `    type_params: { measure: ${simple[(i * 3) % simpleCount]!}, cumulative_type_params: { window: 7 days } }`,
      );
  }
  files.push({ path: 'models/metrics.yml', content: `${lines.join('\n')}\n` });
  return files;
}
