import { AuditLog } from '../audit/AuditLog';
import { isUserError } from '../errors';
import type { DefinitionRegistry } from '../metadata/DefinitionRegistry';
import { planQuery, type MetricRequest, type PlannedQuery } from '../planner';
import { explainPlan } from '../planner/explain';
import { canSeeSql, type Principal } from '../security/principal';
import { ResultCache } from './ResultCache';
import type { ColumnInfo, Warehouse } from './warehouse';

export interface QueryContext {
  readonly principal: Principal;
  readonly requestId: string | null;
  /** Aborted when the client goes away: the running statement is cancelled. */
  readonly signal?: AbortSignal;
  /** Answer on this version instead of the head. */
  readonly version?: number | null;
}

export interface Answer {
  readonly columns: readonly ColumnInfo[];
  readonly rows: ReadonlyArray<Record<string, unknown>>;
  /** The statement (null for principals not allowed to see SQL). */
  readonly sql: string | null;
  readonly cacheHit: boolean;
  readonly definitionVersion: number;
}

export interface QueryServiceOptions {
  readonly defaultSchema: string | null;
  readonly statementTimeoutMs: number;
  readonly maxResultRows: number;
}

/**
 * Answers a metric request, top to bottom: take the definitions version -> plan (pure) ->
 * cached result or run on the warehouse (timeout, cancellation) -> audit -> answer.
 */
export class QueryService {
  private readonly answerListeners: Array<(cacheHit: boolean) => void> = [];

  constructor(
    private readonly registry: DefinitionRegistry,
    private readonly warehouse: Warehouse,
    private readonly cache: ResultCache,
    private readonly audit: AuditLog | null,
    private readonly options: QueryServiceOptions,
  ) {}

  async answer(request: MetricRequest, ctx: QueryContext): Promise<Answer> {
    const started = Date.now();
    const defs = ctx.version ? await this.registry.at(ctx.version) : this.registry.current();
    let planned: PlannedQuery | null = null;
    try {
      planned = planQuery(defs.graph, request, { defaultSchema: this.options.defaultSchema });
      const key = ResultCache.key(defs.version, planned.sql.text, planned.sql.values);
      const statement = planned.sql;
      const { result, hit } = await this.cache.get(key, () =>
        this.warehouse.run(statement, {
          timeoutMs: this.options.statementTimeoutMs,
          maxRows: this.options.maxResultRows,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        }),
      );
      this.record(ctx, defs.version, request, planned, 'ok', started, { rows: result.rows.length, cacheHit: hit });
      for (const listener of this.answerListeners) listener(hit);
      return {
        columns: result.columns,
        rows: result.rows,
        sql: canSeeSql(ctx.principal) ? planned.sql.text : null,
        cacheHit: hit,
        definitionVersion: defs.version,
      };
    } catch (error) {
      this.record(ctx, defs.version, request, planned, isUserError(error) ? error.code : 'INTERNAL', started, {});
      throw error;
    }
  }

  /** Called after each answered request (metrics). */
  onAnswer(listener: (cacheHit: boolean) => void): void {
    this.answerListeners.push(listener);
  }

  /** The plan and SQL for a request, without running it. */
  explain(request: MetricRequest, ctx: QueryContext) {
    const defs = this.registry.current();
    const planned = planQuery(defs.graph, request, { defaultSchema: this.options.defaultSchema });
    const visible = canSeeSql(ctx.principal);
    return { ...explainPlan(planned), sql: visible ? planned.sql.text : null, parameters: visible ? planned.sql.values : null, definitionVersion: defs.version };
  }

  private record(
    ctx: QueryContext,
    version: number,
    request: MetricRequest,
    planned: PlannedQuery | null,
    outcome: string,
    started: number,
    extra: Record<string, unknown>,
  ): void {
    this.audit?.record({
      principal: ctx.principal.id,
      action: 'query',
      requestId: ctx.requestId,
      definitionVersion: version,
      detail: {
        metrics: request.metrics,
        groupBy: [...(request.groupBy ?? []), ...(request.groupByItems ?? []).map((i) => i.name)],
        where: request.where ?? [],
        timeConstraint: request.timeConstraint ?? null,
        sql: planned?.sql.text ?? null,
        ...extra,
      },
      outcome,
      durationMs: Date.now() - started,
    });
  }
}
