import type { LogicalPlan, PlanNode } from '../plan';
import { collapseTrivialCombines, redirect } from './graph';

/**
 * Identical sub-plans are computed once: a node equal to an earlier one (inputs included)
 * is dropped and its readers read the earlier one, which the SQL then holds as one CTE.
 * The planner names columns after what they compute, so equal work is equal data.
 */
export function shareSubplans(plan: LogicalPlan): LogicalPlan {
  const seen = new Map<string, string>();
  const to = new Map<string, string>();
  let current = plan;
  // Nodes come in dependency order, so inputs are already redirected when a node is compared.
  for (const node of plan.nodes) {
    const resolved = resolveInputs(node, to);
    const key = JSON.stringify({ ...resolved, id: '' });
    const earlier = seen.get(key);
    if (earlier) to.set(node.id, earlier);
    else seen.set(key, node.id);
  }
  if (to.size === 0) return plan;
  current = redirect(current, to);
  return collapseTrivialCombines(current);
}

function resolveInputs(node: PlanNode, to: ReadonlyMap<string, string>): PlanNode {
  return redirect({ nodes: [node], output: { node: node.id, columns: [], orderBy: [], limit: null } }, to).nodes[0] ?? node;
}
