import type { SqlExpr } from '../../sql/nodes';
import { columnsOf } from '../filters';
import type { AggregateNode, DistinctNode, Join, LogicalPlan, Scan } from '../plan';

/**
 * Scans read only the columns something uses, and joins that nothing reads from
 * (and that no other join starts from) are dropped. Dropping a LEFT join onto a table
 * unique on its key cannot change the rows, so results stay identical.
 */
export function pruneColumns(plan: LogicalPlan): LogicalPlan {
  return {
    ...plan,
    nodes: plan.nodes.map((node) => (node.kind === 'aggregate' || node.kind === 'distinct' ? prune(node) : node)),
  };
}

function prune<T extends AggregateNode | DistinctNode>(node: T): T {
  const exprs: SqlExpr[] = [...node.keys.map((k) => k.expr), ...node.where];
  if (node.kind === 'aggregate') {
    for (const m of node.measures) {
      exprs.push(m.input);
      if (m.filter) exprs.push(m.filter);
    }
    for (const j of node.metricJoins) exprs.push(j.on);
    if (node.nonAdditive) exprs.push(node.nonAdditive.expr, ...node.nonAdditive.partitionBy);
  }
  const read = new Set(exprs.flatMap((e) => columnsOf(e).map((c) => c.table)));
  let joins: Join[] = [...node.joins];
  for (;;) {
    const used = usedFields(exprs, joins);
    // An INNER join filters rows, so it stays even when nothing is read from it.
    const next = joins.filter((j) => j.type === 'INNER' || read.has(j.scan.alias) || joins.some((k) => k.fromAlias === j.scan.alias));
    if (next.length === joins.length) {
      return {
        ...node,
        base: keep(node.base, used.get('base')),
        joins: joins.map((j) => ({ ...j, scan: keep(j.scan, used.get(j.scan.alias)) })),
      };
    }
    joins = next;
  }
}

function usedFields(exprs: SqlExpr[], joins: Join[]): Map<string, Set<string>> {
  const used = new Map<string, Set<string>>();
  const use = (alias: string, field: string) => {
    const set = used.get(alias) ?? new Set<string>();
    set.add(field);
    used.set(alias, set);
  };
  for (const e of exprs) for (const c of columnsOf(e)) if (c.table) use(c.table, c.name);
  for (const j of joins) {
    use(j.fromAlias, j.fromField);
    use(j.scan.alias, j.toField);
    if (j.validity) {
      use(j.scan.alias, j.validity.fromField);
      use(j.scan.alias, j.validity.toField);
      if (j.validity.timeField) use(j.validity.timeAlias, j.validity.timeField);
    }
  }
  return used;
}

function keep(scan: Scan, fields: Set<string> | undefined): Scan {
  return { ...scan, columns: scan.columns.filter((c) => fields?.has(c.field)) };
}
