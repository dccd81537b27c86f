import type { DimensionDef, ElementMatch, EntityDef, JoinStep, SemanticGraph, SemanticModelDef } from '../definitions';
import { sql } from '../sql/build';
import { trustedSql, type SqlExpr, type TrustedSql } from '../sql/nodes';
import type { Join, Scan } from './plan';

/**
 * The sources one aggregation reads: its model's table ('base') and the tables joined
 * onto it along entity paths ('j1', 'j2', ...). Binding an element adds the joins and
 * scan columns it needs and returns the column to use; nothing else is read.
 */
export class ModelScope {
  private readonly scans = new Map<string, ScanBuilder>();
  private readonly joinByPath = new Map<string, JoinBuilder>();
  private readonly joinOrder: JoinBuilder[] = [];

  constructor(
    readonly graph: SemanticGraph,
    readonly model: SemanticModelDef,
    /** The base rows' aggregation time dimension (SCD joins match it against validity windows). */
    private readonly validityTime: string | null = null,
  ) {
    this.scans.set('base', new ScanBuilder('base', model));
  }

  get base(): ScanBuilder {
    return this.scans.get('base')!;
  }

  /** A column of the base table: a dimension, entity or measure expression. */
  baseColumn(field: string, expr: string): SqlExpr {
    return sql.col(this.base.add(field, expr), 'base');
  }

  /** Binds a dimension or entity found by SemanticGraph.findElement, joining as needed. */
  bindMatch(match: ElementMatch): { alias: string; field: string; column: SqlExpr } {
    const alias = this.joinPath(match.steps);
    const scan = this.scans.get(alias)!;
    const element = (match.dimension ?? match.entity)!;
    const field = scan.add(element.name, element.expr);
    return { alias, field, column: sql.col(field, alias) };
  }

  /** Time dimension of the base model by name (metric_time binds here). */
  timeDimension(name: string): DimensionDef {
    const dimension = this.model.dimensions.find((d) => d.name === name);
    if (!dimension) throw new Error(`time dimension '${name}' is not in model '${this.model.name}'`);
    return dimension;
  }

  entity(name: string): EntityDef | undefined {
    return this.model.entities.find((e) => e.name === name);
  }

  /** The alias of the source reached by `steps` (joining every step not joined yet). */
  joinPath(steps: readonly JoinStep[]): string {
    let fromAlias = 'base';
    for (let i = 0; i < steps.length; i++) {
      const key = steps
        .slice(0, i + 1)
        .map((s) => `${s.entity}>${s.to}`)
        .join('/');
      let join = this.joinByPath.get(key);
      if (!join) {
        const step = steps[i]!;
        const target = this.graph.models.get(step.to)!;
        // Named by the path, so the same join has the same alias in every node (merging relies on it).
        const alias = [...steps.slice(0, i + 1).map((s) => s.entity), step.to].join('__');
        const scan = new ScanBuilder(alias, target);
        this.scans.set(alias, scan);
        const fromScan = this.scans.get(fromAlias)!;
        const fromEntity = entityOf(fromScan.model, step.entity);
        const toEntity = entityOf(target, step.entity);
        const fromField = fromScan.add(fromEntity.name, fromEntity.expr);
        const toField = scan.add(toEntity.name, toEntity.expr);
        let validity: Join['validity'] = null;
        if (step.scd) {
          const start = target.dimensions.find((d) => d.validity === 'start')!;
          const end = target.dimensions.find((d) => d.validity === 'end')!;
          const time = this.validityTime ? this.timeDimension(this.validityTime) : null;
          validity = {
            fromField: scan.add(start.name, start.expr),
            toField: scan.add(end.name, end.expr),
            timeAlias: 'base',
            // Without a time (no metric), the row valid now: the one whose window is still open.
            timeField: time ? this.base.add(time.name, time.expr) : null,
          };
        }
        join = { alias, scan, entity: step.entity, fromAlias, fromField, toField, validity };
        this.joinByPath.set(key, join);
        this.joinOrder.push(join);
      }
      fromAlias = join.alias;
    }
    return fromAlias;
  }

  build(): { base: Scan; joins: Join[] } {
    return {
      base: this.base.build(),
      joins: this.joinOrder.map((j) => ({
        scan: j.scan.build(),
        entity: j.entity,
        fromAlias: j.fromAlias,
        fromField: j.fromField,
        toField: j.toField,
        type: 'LEFT',
        validity: j.validity,
      })),
    };
  }
}

interface JoinBuilder {
  alias: string;
  scan: ScanBuilder;
  entity: string;
  fromAlias: string;
  fromField: string;
  toField: string;
  validity: Join['validity'];
}

/** Projected columns of one table, deduplicated by expression. */
export class ScanBuilder {
  private readonly columns: Array<{ field: string; expr: TrustedSql }> = [];
  readonly filters: SqlExpr[] = [];

  constructor(
    readonly alias: string,
    readonly model: SemanticModelDef,
  ) {}

  /** Adds `expr` under `field` (or returns the field already projecting it). */
  add(field: string, expr: string): string {
    const existing = this.columns.find((c) => c.expr === expr);
    if (existing) return existing.field;
    let name = field;
    for (let i = 2; this.columns.some((c) => c.field === name); i++) name = `${field}_${i}`;
    this.columns.push({ field: name, expr: trustedSql(expr) });
    return name;
  }

  exprOf(field: string): TrustedSql {
    const column = this.columns.find((c) => c.field === field);
    if (!column) throw new Error(`no field '${field}' in scan ${this.alias}`);
    return column.expr;
  }

  build(): Scan {
    return {
      alias: this.alias,
      model: this.model.name,
      relation: { database: this.model.relation.database, schema: this.model.relation.schema, table: this.model.relation.alias },
      columns: [...this.columns],
      filters: [...this.filters],
    };
  }
}

function entityOf(model: SemanticModelDef, name: string): { name: string; expr: string } {
  const entity = model.entities.find((e) => e.name === name);
  if (entity) return entity;
  // A declared primary_entity without an entity entry keys on its own name.
  return { name, expr: name };
}
