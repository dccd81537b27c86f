import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { MetricRequest } from '../planner';
import type { Context } from './context';
import { ExplainResult, QueryInput, QueryResult } from './types/query';

/** Metric queries: thin, everything happens in QueryService. */
@Resolver()
export class QueryResolver {
  @Query(() => QueryResult, { description: 'Answer a metric request (CONTRACT section 3)' })
  async query(@Arg('input', () => QueryInput) input: QueryInput, @Ctx() ctx: Context): Promise<QueryResult> {
    const answer = await ctx.services.queries.answer(toRequest(input), {
      principal: ctx.principal,
      requestId: ctx.requestId,
      signal: ctx.signal,
      version: ctx.definitions().version,
    });
    return { columns: answer.columns.map((c) => ({ ...c })), rows: answer.rows, sql: answer.sql, cacheHit: answer.cacheHit, definitionVersion: answer.definitionVersion };
  }

  @Query(() => ExplainResult, { description: 'The plan and SQL for a request, without running it' })
  explain(@Arg('input', () => QueryInput) input: QueryInput, @Ctx() ctx: Context): ExplainResult {
    return ctx.services.queries.explain(toRequest(input), { principal: ctx.principal, requestId: ctx.requestId });
  }
}

export function toRequest(input: QueryInput): MetricRequest {
  return {
    metrics: input.metrics,
    groupBy: input.groupBy ?? null,
    groupByItems: input.groupByItems ?? null,
    where: input.where ?? null,
    timeConstraint: input.timeConstraint ?? null,
    orderBy: input.orderBy ?? null,
    limit: input.limit ?? null,
  };
}
