import {
  AGGREGATE_FUNCTIONS,
  DATE_UNITS,
  EXTRACT_UNITS,
  SCALAR_FUNCTIONS,
  SQL_TYPES,
  WINDOW_FUNCTIONS,
  type SqlExpr,
  type SqlFrom,
  type SqlOrder,
  type SqlQuery,
  type SqlSelect,
} from './nodes';
import { quoteIdent } from './quote';

/** A statement ready for `pg`: text with $1..$n and the values to bind. */
export interface RenderedSql {
  readonly text: string;
  readonly values: ReadonlyArray<string | number | boolean | null>;
}

/**
 * Renders a SQL tree for PostgreSQL. Deterministic: the same tree always gives the same
 * text and values. Values appear only as $n; identifiers only through quoteIdent; keywords
 * (units, types, function names) are checked against closed lists before printing.
 *
 *   select(sum(col amount)) from table public.orders
 *   -> SELECT SUM(amount) AS revenue FROM public.orders AS orders_src
 */
export function renderQuery(query: SqlQuery): RenderedSql {
  const renderer = new Renderer();
  const text = renderer.query(query, 0);
  return { text, values: renderer.values };
}

/** Renders one expression (used for explain output and tests). */
export function renderExpression(expr: SqlExpr): RenderedSql {
  const renderer = new Renderer();
  const text = renderer.expr(expr);
  return { text, values: renderer.values };
}

const PRECEDENCE: Record<string, number> = {
  OR: 1,
  AND: 2,
  NOT: 3,
  '=': 4,
  '<>': 4,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  'IS DISTINCT FROM': 4,
  'IS NOT DISTINCT FROM': 4,
  IS: 4,
  IN: 5,
  BETWEEN: 5,
  LIKE: 5,
  '||': 6,
  '+': 7,
  '-': 7,
  '*': 8,
  '/': 8,
  '%': 8,
  NEGATE: 9,
};

function precedenceOf(expr: SqlExpr): number {
  switch (expr.kind) {
    case 'binary':
      return PRECEDENCE[expr.op]!;
    case 'not':
      return PRECEDENCE['NOT']!;
    case 'isNull':
    case 'isBool':
      return PRECEDENCE['IS']!;
    case 'in':
    case 'inSubquery':
      return PRECEDENCE['IN']!;
    case 'between':
      return PRECEDENCE['BETWEEN']!;
    case 'like':
      return PRECEDENCE['LIKE']!;
    case 'negate':
      return PRECEDENCE['NEGATE']!;
    default:
      return 100;
  }
}

/** PostgreSQL has no 'quarter' interval unit; a quarter is three months. */
function intervalText(count: number, unit: string): string {
  if (!Number.isInteger(count)) throw new Error(`interval count must be an integer, got ${count}`);
  if (unit === 'quarter') return `${count * 3} month`;
  return `${count} ${unit}`;
}

function checkListed(value: string, list: readonly string[], what: string): string {
  if (!list.includes(value)) throw new Error(`unknown ${what} '${value}'`);
  return value;
}

class Renderer {
  readonly values: Array<string | number | boolean | null> = [];

  query(query: SqlQuery, indent: number): string {
    const pad = ' '.repeat(indent);
    const withClause =
      query.with.length === 0
        ? ''
        : `${pad}WITH ${query.with
            .map((cte) => `${quoteIdent(cte.name)} AS (\n${this.query(cte.query, indent + 2)}\n${pad})`)
            .join(`,\n${pad}`)}\n`;
    if (query.kind === 'union') {
      const glue = `\n${pad}UNION${query.all ? ' ALL' : ''}\n`;
      return withClause + query.queries.map((q) => this.nested(q, indent)).join(glue);
    }
    return withClause + this.select(query, indent);
  }

  /** A union member that itself has a WITH, ORDER BY or LIMIT needs parentheses. */
  private nested(query: SqlQuery, indent: number): string {
    const pad = ' '.repeat(indent);
    const needsParens = query.kind === 'union' || query.with.length > 0 || query.orderBy.length > 0 || query.limit !== null;
    if (!needsParens) return this.query(query, indent);
    return `${pad}(\n${this.query(query, indent + 2)}\n${pad})`;
  }

  private select(s: SqlSelect, indent: number): string {
    const pad = ' '.repeat(indent);
    const lines: string[] = [];
    const columns = s.columns.map((c) => (c.alias === null ? this.expr(c.expr) : `${this.expr(c.expr)} AS ${quoteIdent(c.alias)}`));
    lines.push(`${pad}SELECT${s.distinct ? ' DISTINCT' : ''}\n${columns.map((c) => `${pad}  ${c}`).join(',\n')}`);
    if (s.from) lines.push(`${pad}FROM ${this.from(s.from, indent)}`);
    if (s.where) lines.push(`${pad}WHERE ${this.expr(s.where)}`);
    if (s.groupBy.length) lines.push(`${pad}GROUP BY ${s.groupBy.map((g) => this.expr(g)).join(', ')}`);
    if (s.having) lines.push(`${pad}HAVING ${this.expr(s.having)}`);
    if (s.orderBy.length) lines.push(`${pad}ORDER BY ${s.orderBy.map((o) => this.order(o)).join(', ')}`);
    if (s.limit !== null) {
      if (!Number.isInteger(s.limit) || s.limit < 0) throw new Error('LIMIT must be a non-negative integer');
      lines.push(`${pad}LIMIT ${s.limit}`);
    }
    return lines.join('\n');
  }

  private from(f: SqlFrom, indent: number): string {
    const pad = ' '.repeat(indent);
    switch (f.kind) {
      case 'table':
        return `${f.schema ? `${quoteIdent(f.schema)}.` : ''}${quoteIdent(f.name)} AS ${quoteIdent(f.alias)}`;
      case 'cte':
        return f.alias === f.name ? quoteIdent(f.name) : `${quoteIdent(f.name)} AS ${quoteIdent(f.alias)}`;
      case 'subquery':
        return `(\n${this.query(f.query, indent + 2)}\n${pad}) AS ${quoteIdent(f.alias)}`;
      case 'series':
        return `GENERATE_SERIES(${this.expr(f.start)}, ${this.expr(f.stop)}, ${this.expr(f.step)}) AS ${quoteIdent(f.alias)}(${quoteIdent(f.column)})`;
      case 'join': {
        const left = this.from(f.left, indent);
        const right = this.from(f.right, indent);
        if (f.type === 'CROSS') return `${left}\n${pad}CROSS JOIN ${right}`;
        return `${left}\n${pad}${f.type === 'INNER' ? 'INNER' : f.type === 'LEFT' ? 'LEFT OUTER' : 'FULL OUTER'} JOIN ${right}\n${pad}  ON ${f.on ? this.expr(f.on) : 'TRUE'}`;
      }
    }
  }

  private order(o: SqlOrder): string {
    return `${this.expr(o.expr)}${o.descending ? ' DESC' : ''}${o.nulls ? ` NULLS ${o.nulls.toUpperCase()}` : ''}`;
  }

  /** Renders `child` parenthesized when it binds more loosely than its parent. */
  private operand(child: SqlExpr, parentPrecedence: number, strict = false): string {
    const text = this.expr(child);
    const p = precedenceOf(child);
    return p < parentPrecedence || (strict && p === parentPrecedence) ? `(${text})` : text;
  }

  expr(e: SqlExpr): string {
    switch (e.kind) {
      case 'column':
        return e.table ? `${quoteIdent(e.table)}.${quoteIdent(e.name)}` : quoteIdent(e.name);
      case 'param': {
        if (e.value !== null && !['string', 'number', 'boolean'].includes(typeof e.value))
          throw new TypeError('parameters must be strings, numbers, booleans or null');
        this.values.push(e.value);
        const cast = e.cast ? `::${checkListed(e.cast, SQL_TYPES, 'type')}` : '';
        return `$${this.values.length}${cast}`;
      }
      case 'constant':
        if (e.value === null) return 'NULL';
        if (typeof e.value === 'boolean') return e.value ? 'TRUE' : 'FALSE';
        if (typeof e.value !== 'number' || !Number.isFinite(e.value)) throw new TypeError('constants must be finite numbers');
        return e.value < 0 ? `(${String(e.value)})` : String(e.value);
      case 'trusted': {
        // A bare name is a column (even `user` or `order`): it goes through quoteIdent, folded
        // to lower case as PostgreSQL folds unquoted names. Anything else is an expression.
        const text = e.sql.trim();
        if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(text) && !/^(true|false|null)$/i.test(text)) return quoteIdent(text.toLowerCase());
        return `(${e.sql})`;
      }
      case 'binary': {
        const p = PRECEDENCE[e.op];
        if (p === undefined) throw new Error(`unknown operator '${e.op}'`);
        const associative = e.op === 'AND' || e.op === 'OR';
        return `${this.operand(e.left, p)} ${e.op} ${this.operand(e.right, p, !associative)}`;
      }
      case 'not':
        return `NOT ${this.operand(e.operand, PRECEDENCE['NOT']!, true)}`;
      case 'negate':
        return `-${this.operand(e.operand, PRECEDENCE['NEGATE']!, true)}`;
      case 'isNull':
        return `${this.operand(e.operand, PRECEDENCE['IS']!, true)} IS ${e.negated ? 'NOT ' : ''}NULL`;
      case 'isBool':
        return `${this.operand(e.operand, PRECEDENCE['IS']!, true)} IS ${e.negated ? 'NOT ' : ''}${e.value ? 'TRUE' : 'FALSE'}`;
      case 'in':
        return `${this.operand(e.operand, PRECEDENCE['IN']!, true)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map((x) => this.expr(x)).join(', ')})`;
      case 'inSubquery':
        return `${this.operand(e.operand, PRECEDENCE['IN']!, true)} ${e.negated ? 'NOT ' : ''}IN (\n${this.query(e.query, 4)}\n)`;
      case 'between':
        return `${this.operand(e.operand, PRECEDENCE['BETWEEN']!, true)} ${e.negated ? 'NOT ' : ''}BETWEEN ${this.operand(e.low, PRECEDENCE['BETWEEN']!, true)} AND ${this.operand(e.high, PRECEDENCE['BETWEEN']!, true)}`;
      case 'like':
        return `${this.operand(e.operand, PRECEDENCE['LIKE']!, true)} ${e.negated ? 'NOT ' : ''}${e.caseInsensitive ? 'ILIKE' : 'LIKE'} ${this.operand(e.pattern, PRECEDENCE['LIKE']!, true)}`;
      case 'call':
        return `${checkListed(e.fn, SCALAR_FUNCTIONS, 'function').toUpperCase()}(${e.args.map((a) => this.expr(a)).join(', ')})`;
      case 'dateTrunc':
        return `DATE_TRUNC('${checkListed(e.unit, DATE_UNITS, 'date unit')}', ${this.expr(e.operand)})`;
      case 'extract':
        return `EXTRACT(${checkListed(e.unit, EXTRACT_UNITS, 'date part').toUpperCase()} FROM ${this.expr(e.operand)})`;
      case 'interval':
        return `INTERVAL '${intervalText(e.count, checkListed(e.unit, DATE_UNITS, 'date unit'))}'`;
      case 'cast':
        return `CAST(${this.expr(e.operand)} AS ${checkListed(e.type, SQL_TYPES, 'type').toUpperCase()})`;
      case 'case': {
        const subject = e.subject ? ` ${this.expr(e.subject)}` : '';
        const whens = e.whens.map((w) => ` WHEN ${this.expr(w.when)} THEN ${this.expr(w.then)}`).join('');
        const otherwise = e.otherwise ? ` ELSE ${this.expr(e.otherwise)}` : '';
        return `CASE${subject}${whens}${otherwise} END`;
      }
      case 'aggregate': {
        const fn = checkListed(e.fn, AGGREGATE_FUNCTIONS, 'aggregate').toUpperCase();
        const args = e.star ? '*' : `${e.distinct ? 'DISTINCT ' : ''}${e.args.map((a) => this.expr(a)).join(', ')}`;
        const within = e.withinGroup ? ` WITHIN GROUP (ORDER BY ${this.expr(e.withinGroup)})` : '';
        const filter = e.filter ? ` FILTER (WHERE ${this.expr(e.filter)})` : '';
        return `${fn}(${args})${within}${filter}`;
      }
      case 'window': {
        const fn = checkListed(e.fn, WINDOW_FUNCTIONS, 'window function').toUpperCase();
        const parts: string[] = [];
        if (e.partitionBy.length) parts.push(`PARTITION BY ${e.partitionBy.map((p) => this.expr(p)).join(', ')}`);
        if (e.orderBy.length) parts.push(`ORDER BY ${e.orderBy.map((o) => this.order(o)).join(', ')}`);
        if (e.frame === 'all') parts.push('ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING');
        if (e.frame === 'toCurrent') parts.push('ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW');
        return `${fn}(${e.args.map((a) => this.expr(a)).join(', ')}) OVER (${parts.join(' ')})`;
      }
      case 'currentDate':
        return 'CURRENT_DATE';
      case 'exists':
        return `EXISTS (\n${this.query(e.query, 4)}\n)`;
      case 'star':
        return '*';
      case 'scalar':
        return `(${this.query(e.query, 0).replace(/\s*\n\s*/g, ' ')})`;
    }
  }
}
