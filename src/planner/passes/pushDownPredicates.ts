import type { SqlExpr } from '../../sql/nodes';
import { columnsOf, mapColumns, rejectsNulls } from '../filters';
import type { AggregateNode, DistinctNode, Join, LogicalPlan, Scan } from '../plan';

/**
 * Predicates (query filters, the time constraint) move from after the joins into the scan
 * of the one table they read, where PostgreSQL can use that table's indexes and skip rows
 * before joining. A predicate on a LEFT-joined table moves only when it rejects NULLs;
 * the join then becomes INNER, which is what the predicate made it anyway.
 *
 *   FROM (SELECT ... FROM bookings) base LEFT JOIN (SELECT ... FROM listings) j ON ...
 *   WHERE j.country = $1
 * ->
 *   FROM (SELECT ... FROM bookings) base
 *   INNER JOIN (SELECT ... FROM listings WHERE country = $1) j ON ...
 */
export function pushDownPredicates(plan: LogicalPlan): LogicalPlan {
  return {
    ...plan,
    nodes: plan.nodes.map((node) => (node.kind === 'aggregate' || node.kind === 'distinct' ? pushDown(node) : node)),
  };
}

function pushDown<T extends AggregateNode | DistinctNode>(node: T): T {
  let base = node.base;
  let joins = [...node.joins];
  const kept: SqlExpr[] = [];
  for (const predicate of node.where) {
    const aliases = new Set(columnsOf(predicate).map((c) => c.table));
    if (aliases.size !== 1 || aliases.has(null)) {
      kept.push(predicate);
      continue;
    }
    const alias = [...aliases][0]!;
    if (alias === 'base') {
      base = addFilter(base, predicate);
      continue;
    }
    const index = joins.findIndex((j) => j.scan.alias === alias);
    if (index < 0 || !rejectsNulls(predicate, alias)) {
      kept.push(predicate);
      continue;
    }
    joins = innerPath(joins, index);
    joins[index] = { ...joins[index]!, scan: addFilter(joins[index]!.scan, predicate) };
  }
  return { ...node, base, joins, where: kept };
}

/** The predicate, rewritten over the table's own columns, joins the scan's filters. */
function addFilter(scan: Scan, predicate: SqlExpr): Scan {
  const inner = mapColumns(predicate, (column) => {
    const c = scan.columns.find((x) => x.field === column.name);
    if (!c) throw new Error(`scan ${scan.alias} has no field ${column.name}`);
    return { kind: 'trusted', sql: c.expr };
  });
  return { ...scan, filters: [...scan.filters, inner] };
}

/** A join that must match, and the joins it hangs from, become INNER. */
function innerPath(joins: Join[], index: number): Join[] {
  const out = [...joins];
  let current: Join | undefined = out[index];
  while (current) {
    const i = out.indexOf(current);
    out[i] = { ...current, type: 'INNER' };
    const from: string = current.fromAlias;
    current = out.find((j) => j.scan.alias === from);
  }
  return out;
}
