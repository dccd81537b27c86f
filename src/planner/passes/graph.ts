import { dependencies } from '../lower';
import type { LogicalPlan, PlanNode } from '../plan';

/** Points every reference to a node id at another id (used when nodes are merged or shared). */
export function redirect(plan: LogicalPlan, to: ReadonlyMap<string, string>): LogicalPlan {
  const r = (id: string): string => {
    let current = id;
    while (to.has(current)) current = to.get(current)!;
    return current;
  };
  const nodes = plan.nodes.filter((n) => !to.has(n.id)).map((n) => redirectNode(n, r));
  return { nodes, output: { ...plan.output, node: r(plan.output.node) } };
}

function redirectNode(node: PlanNode, r: (id: string) => string): PlanNode {
  switch (node.kind) {
    case 'aggregate':
      return node.metricJoins.length ? { ...node, metricJoins: node.metricJoins.map((j) => ({ ...j, input: r(j.input) })) } : node;
    case 'distinct':
      return node;
    case 'combine': {
      // Inputs that became the same node are read once.
      const inputs = new Map<string, string[]>();
      for (const input of node.inputs) {
        const id = r(input.node);
        const columns = inputs.get(id) ?? [];
        for (const c of input.columns) if (!columns.includes(c)) columns.push(c);
        inputs.set(id, columns);
      }
      return { ...node, inputs: [...inputs].map(([id, columns]) => ({ node: id, columns })) };
    }
    case 'compute':
      return { ...node, input: r(node.input) };
    case 'spineJoin':
    case 'offset':
      return { ...node, input: r(node.input), range: node.range.fromNode ? { ...node.range, fromNode: r(node.range.fromNode) } : node.range };
    case 'cumulative':
      return { ...node, rows: r(node.rows), range: node.range.fromNode ? { ...node.range, fromNode: r(node.range.fromNode) } : node.range };
    case 'conversion':
      return { ...node, baseRows: r(node.baseRows), conversionRows: r(node.conversionRows) };
  }
}

/** A combine of a single input adds nothing: its consumers read the input directly. */
export function collapseTrivialCombines(plan: LogicalPlan): LogicalPlan {
  const to = new Map<string, string>();
  for (const node of plan.nodes) if (node.kind === 'combine' && node.inputs.length === 1) to.set(node.id, node.inputs[0]!.node);
  return to.size ? redirect(plan, to) : plan;
}

export { dependencies };
