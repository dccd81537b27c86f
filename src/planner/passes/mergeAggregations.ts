import type { AggregateNode, Join, LogicalPlan, PlanNode, Scan } from '../plan';
import { collapseTrivialCombines, redirect } from './graph';

/**
 * Measures of the same model, at the same keys, under the same query filters, are computed
 * in one scan: their nodes merge into one, each measure keeping its own filter (which the
 * SQL renders as FILTER (WHERE ...)). Joins are named by their entity path, so the same
 * join in two nodes is the same join.
 *
 *   agg_bookings:   SUM(bookings)              agg_bookings: SUM(bookings),
 *   agg_bookings_2: SUM(booking_value)   ->                  SUM(booking_value)
 */
export function mergeAggregations(plan: LogicalPlan): LogicalPlan {
  const groups = new Map<string, AggregateNode[]>();
  const merged = new Map<string, string>();
  const nodes: PlanNode[] = [];
  for (const node of plan.nodes) {
    if (node.kind !== 'aggregate' || node.mode !== 'aggregate') {
      nodes.push(node);
      continue;
    }
    const key = signature(node);
    const candidates = groups.get(key) ?? [];
    const into = candidates.find((c) => joinsCompatible(c.joins, node.joins));
    if (!into) {
      groups.set(key, [...candidates, node]);
      nodes.push(node);
      continue;
    }
    const combined = mergeInto(into, node);
    groups.set(key, candidates.map((c) => (c === into ? combined : c)));
    nodes[nodes.indexOf(into)] = combined;
    merged.set(node.id, into.id);
  }
  if (merged.size === 0) return plan;
  return collapseTrivialCombines(redirect({ nodes: nodes.map(withPresence), output: plan.output }, merged));
}

/**
 * Measures under different filters in one node each get a presence column: the group exists
 * for that measure only when some row passed its filter (as it would aggregated alone).
 */
function withPresence(node: PlanNode): PlanNode {
  if (node.kind !== 'aggregate' || node.measures.length < 2) return node;
  const filters = node.measures.map((m) => JSON.stringify(m.filter));
  if (filters.every((f) => f === filters[0])) return node;
  return { ...node, measures: node.measures.map((m) => (m.filter ? { ...m, presence: `__has_${m.column}` } : m)) };
}

/** What must be equal for two aggregations to share a scan (their joins are checked apart). */
function signature(node: AggregateNode): string {
  return JSON.stringify([node.base.model, node.base.relation, node.base.filters, node.keys, node.where, node.metricJoins, node.nonAdditive]);
}

/**
 * Joins on the same path must be the same join (same SCD time, filters, type); a join only
 * one side has may be added to the other when it is a LEFT join onto a unique key, which
 * cannot change the rows.
 */
function joinsCompatible(a: readonly Join[], b: readonly Join[]): boolean {
  const shape = (j: Join) => JSON.stringify([j.fromAlias, j.fromField, j.toField, j.entity, j.scan.filters, j.type, j.validity]);
  for (const join of b) {
    const other = a.find((j) => j.scan.alias === join.scan.alias);
    if (other ? shape(other) !== shape(join) : join.type !== 'LEFT') return false;
  }
  return a.every((j) => b.some((k) => k.scan.alias === j.scan.alias) || j.type === 'LEFT');
}

function mergeInto(a: AggregateNode, b: AggregateNode): AggregateNode {
  const joins = [...a.joins];
  for (const join of b.joins) {
    const index = joins.findIndex((j) => j.scan.alias === join.scan.alias);
    if (index < 0) joins.push(join);
    else joins[index] = { ...joins[index]!, scan: unionScan(joins[index]!.scan, join.scan) };
  }
  return {
    ...a,
    base: unionScan(a.base, b.base),
    joins: orderJoins(joins),
    measures: [...a.measures, ...b.measures.filter((m) => !a.measures.some((x) => x.column === m.column))],
  };
}

function unionScan(a: Scan, b: Scan): Scan {
  const columns = [...a.columns];
  for (const c of b.columns) if (!columns.some((x) => x.field === c.field)) columns.push(c);
  return { ...a, columns };
}

/** A join must come after the join it starts from. */
function orderJoins(joins: Join[]): Join[] {
  const out: Join[] = [];
  const placed = new Set(['base']);
  let remaining = [...joins];
  while (remaining.length) {
    const ready = remaining.filter((j) => placed.has(j.fromAlias));
    if (ready.length === 0) return [...out, ...remaining];
    for (const j of ready) {
      out.push(j);
      placed.add(j.scan.alias);
    }
    remaining = remaining.filter((j) => !ready.includes(j));
  }
  return out;
}
