import type { SemanticGraph } from '../definitions';
import type { SqlQuery } from '../sql/nodes';
import { renderQuery, type RenderedSql } from '../sql/render';
import { PlanBuilder } from './build';
import { lowerPlan } from './lower';
import { optimize, type PassName } from './passes';
import type { LogicalPlan } from './plan';
import { normalizeRequest, type MetricRequest, type NormalizedRequest } from './request';

export interface PlanOptions {
  /** Schema for `model: ref('x')` relations; null leaves them to the search_path. */
  readonly defaultSchema?: string | null;
  /** Optimizer passes to run, in order (all of them by default). */
  readonly passes?: readonly PassName[];
}

export interface PlannedQuery {
  readonly request: NormalizedRequest;
  readonly plan: LogicalPlan;
  readonly query: SqlQuery;
  readonly sql: RenderedSql;
  /** Output column names, in order. */
  readonly columns: readonly string[];
}

/**
 * Answers "what SQL answers this request": validate -> resolve and build the logical plan
 * -> optimize -> lower to a SQL tree -> render with bound parameters. Pure: no I/O.
 */
export function planQuery(graph: SemanticGraph, input: MetricRequest, options: PlanOptions = {}): PlannedQuery {
  const request = normalizeRequest(input);
  const naive = new PlanBuilder(graph, request).build();
  const plan = optimize(naive, options.passes);
  const query = lowerPlan(plan, { defaultSchema: options.defaultSchema ?? null });
  return { request, plan, query, sql: renderQuery(query), columns: plan.output.columns.map((c) => c.name) };
}

export { normalizeRequest, type MetricRequest } from './request';
export { ALL_PASSES, type PassName } from './passes';
