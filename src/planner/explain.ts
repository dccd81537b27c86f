import type { PlannedQuery } from './index';
import { dependencies } from './lower';
import type { PlanNode } from './plan';
import { renderExpression } from '../sql/render';

/**
 * A readable account of a plan: the resolved output columns and the node tree
 *
 *   combine(metric_time__month)
 *     agg_bookings: bookings from bookings [sum(bookings), sum(booking_value)] join listing__listings
 */
export function explainPlan(planned: PlannedQuery): { columns: string[]; plan: string; nodes: number } {
  const byId = new Map(planned.plan.nodes.map((n) => [n.id, n]));
  const lines: string[] = [];
  const visit = (id: string, depth: number) => {
    const node = byId.get(id)!;
    lines.push(`${'  '.repeat(depth)}${describe(node)}`);
    for (const dep of dependencies(node)) visit(dep, depth + 1);
  };
  visit(planned.plan.output.node, 0);
  const order = planned.plan.output.orderBy.map((o) => `${o.descending ? '-' : ''}${o.column}`);
  const head = `output [${planned.columns.join(', ')}]${order.length ? ` order by ${order.join(', ')}` : ''}${planned.plan.output.limit !== null ? ` limit ${planned.plan.output.limit}` : ''}`;
  return { columns: [...planned.columns], plan: [head, ...lines.map((l) => `  ${l}`)].join('\n'), nodes: planned.plan.nodes.length };
}

function describe(node: PlanNode): string {
  switch (node.kind) {
    case 'aggregate': {
      const measures = node.measures.map((m) => `${m.agg}(${renderExpression(m.input).text})${m.filter ? ` filter ${renderExpression(m.filter).text}` : ''} as ${m.column}`);
      const joins = node.joins.map((j) => `${j.type.toLowerCase()} join ${j.scan.model} as ${j.scan.alias} on ${j.entity}`);
      const where = [...node.base.filters, ...node.where].map((w) => renderExpression(w).text);
      return `${node.id}: ${node.mode === 'rows' ? 'rows' : 'aggregate'} ${node.base.model} by [${node.keys.map((k) => k.name).join(', ')}] -> ${measures.join(', ')}${joins.length ? `; ${joins.join('; ')}` : ''}${where.length ? `; where ${where.join(' and ')}` : ''}`;
    }
    case 'distinct':
      return `${node.id}: distinct [${node.keys.map((k) => k.name).join(', ')}] from ${node.base.model}`;
    case 'combine':
      return `${node.id}: combine on [${node.keys.join(', ')}]`;
    case 'compute':
      return `${node.id}: compute ${node.columns.map((c) => `${c.name} = ${renderExpression(c.expr).text}`).join(', ')}`;
    case 'spineJoin':
      return `${node.id}: every ${node.grain} of the range, left join on ${node.timeKey}`;
    case 'offset':
      return `${node.id}: value at the start of each ${node.offset.kind === 'toGrain' ? node.offset.grain : ''} period`;
    case 'cumulative':
      return `${node.id}: cumulative ${node.agg} ${node.window ? `over ${node.window.count} ${node.window.unit}` : node.grainToDate ? `${node.grainToDate} to date` : 'all time'}${node.grain !== node.baseGrain ? `, ${node.periodAgg} per ${node.grain}` : ''}`;
    case 'conversion':
      return `${node.id}: conversions ${node.agg} credited to the latest base event${node.window ? ` within ${node.window.count} ${node.window.unit}` : ''}`;
  }
}
