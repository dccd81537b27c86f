import type { LogicalPlan } from '../plan';
import { mergeAggregations } from './mergeAggregations';
import { pruneColumns } from './pruneColumns';
import { pushDownPredicates } from './pushDownPredicates';
import { shareSubplans } from './shareSubplans';

/** The optimizer passes, in the order they run. Each keeps results identical. */
export const PASSES = {
  mergeAggregations,
  pushDownPredicates,
  shareSubplans,
  pruneColumns,
} satisfies Record<string, (plan: LogicalPlan) => LogicalPlan>;

export type PassName = keyof typeof PASSES;
export const ALL_PASSES = Object.keys(PASSES) as PassName[];

export function optimize(plan: LogicalPlan, passes: readonly PassName[] = ALL_PASSES): LogicalPlan {
  let current = plan;
  for (const name of ALL_PASSES) if (passes.includes(name)) current = PASSES[name](current);
  return current;
}
