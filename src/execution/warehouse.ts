import pg from 'pg';
import { UserError } from '../errors';
import type { RenderedSql } from '../sql/render';

export interface ColumnInfo {
  readonly name: string;
  /** DATE, TIMESTAMP, STRING, INTEGER, NUMBER, BOOLEAN, JSON or UNKNOWN. */
  readonly type: string;
}

export interface QueryResult {
  readonly columns: readonly ColumnInfo[];
  readonly rows: ReadonlyArray<Record<string, unknown>>;
}

export interface RunOptions {
  /** Statement timeout in milliseconds (QUERY_TIMEOUT when exceeded). */
  readonly timeoutMs?: number;
  /** Aborting cancels the running statement on the server (QUERY_CANCELLED). */
  readonly signal?: AbortSignal;
  /** Refuse results with more rows than this (RESULT_TOO_LARGE). */
  readonly maxRows?: number;
}

// Type OIDs (pg_type) mapped by hand so values keep their precision and dates stay dates.
const OID = {
  bool: 16,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  json: 114,
  float4: 700,
  float8: 701,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  numeric: 1700,
  jsonb: 3802,
} as const;

const TYPE_NAMES: Record<number, string> = {
  [OID.bool]: 'BOOLEAN',
  [OID.int2]: 'INTEGER',
  [OID.int4]: 'INTEGER',
  [OID.int8]: 'INTEGER',
  [OID.float4]: 'NUMBER',
  [OID.float8]: 'NUMBER',
  [OID.numeric]: 'NUMBER',
  [OID.text]: 'STRING',
  [OID.varchar]: 'STRING',
  [OID.bpchar]: 'STRING',
  [OID.date]: 'DATE',
  [OID.timestamp]: 'TIMESTAMP',
  [OID.timestamptz]: 'TIMESTAMP',
  [OID.json]: 'JSON',
  [OID.jsonb]: 'JSON',
};

/** Text from the server -> JSON-safe value. Numbers stay exact: out-of-range integers and long decimals become strings. */
const identity = (value: string) => value;
const PARSERS: Record<number, (value: string) => unknown> = {
  [OID.int8]: (v) => {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  },
  [OID.numeric]: (v) => {
    if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return v;
    const n = Number(v);
    return exactDecimal(v, n) ? n : v;
  },
  [OID.date]: identity,
  [OID.timestamp]: (v) => v.replace(' ', 'T'),
  [OID.timestamptz]: (v) => new Date(v).toISOString(),
  [OID.time]: identity,
  [OID.interval]: identity,
};

/** True when `n` prints back to the same decimal as `text` (ignoring trailing zeros). */
function exactDecimal(text: string, n: number): boolean {
  if (!Number.isFinite(n)) return false;
  const normalize = (s: string) => {
    let t = s.startsWith('-') ? s.slice(1) : s;
    if (t.includes('.')) t = t.replace(/0+$/, '').replace(/\.$/, '');
    t = t.replace(/^0+(?=\d)/, '');
    return (s.startsWith('-') && t !== '0' ? '-' : '') + t;
  };
  const printed = Math.abs(n) < 1e21 ? n.toFixed(Math.min(20, (text.split('.')[1] ?? '').length)) : String(n);
  return normalize(printed) === normalize(text);
}

const types = {
  getTypeParser: (oid: number, format?: string) => {
    const parser = PARSERS[oid];
    if (parser && format !== 'binary') return parser;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/**
 * The warehouse: a pool of its own (separate from the metadata store's), a timeout per
 * statement, cancellation on abort, and faithful result types.
 */
export class Warehouse {
  readonly pool: pg.Pool;
  /** Metric statements sent to the warehouse since start (batching is measured by it). */
  statements = 0;
  private readonly listeners: Array<(durationMs: number, outcome: string) => void> = [];

  constructor(url: string, options: { max?: number; applicationName?: string } = {}) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      application_name: options.applicationName ?? 'northstar-warehouse',
      types,
    });
    // An idle client that errors (server restart) must not crash the process.
    this.pool.on('error', () => {});
  }

  async run(statement: RenderedSql, options: RunOptions = {}): Promise<QueryResult> {
    if (options.signal?.aborted) throw new UserError('QUERY_CANCELLED', 'the query was cancelled', {});
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch {
      // The driver's message can name hosts and users: it stays out of what the client sees.
      throw new UserError('WAREHOUSE_UNAVAILABLE', 'the warehouse cannot be reached; try again shortly', {});
    }
    let broken = false;
    const onAbort = () => {
      broken = true;
      void this.cancel((client as unknown as { processID: number }).processID);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await client.query('BEGIN READ ONLY');
      if (options.timeoutMs) await client.query("SELECT set_config('statement_timeout', $1, true)", [String(Math.max(1, Math.floor(options.timeoutMs)))]);
      this.statements++;
      const started = Date.now();
      const result = await client.query({ text: statement.text, values: [...statement.values], rowMode: 'array' });
      for (const listener of this.listeners) listener(Date.now() - started, 'ok');
      await client.query('COMMIT');
      if (options.maxRows !== undefined && result.rows.length > options.maxRows)
        throw new UserError('RESULT_TOO_LARGE', `the result has ${result.rows.length} rows, more than the ${options.maxRows} allowed; add filters, a coarser grain or a limit`, {
          rows: result.rows.length,
          maxRows: options.maxRows,
        });
      const columns = result.fields.map((f) => ({ name: f.name, type: TYPE_NAMES[f.dataTypeID] ?? 'UNKNOWN' }));
      const rows = (result.rows as unknown[][]).map((row) => {
        const out: Record<string, unknown> = {};
        columns.forEach((c, i) => (out[c.name] = row[i]));
        return out;
      });
      return { columns, rows };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw translate(error, options.signal?.aborted ?? false);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      client.release(broken);
    }
  }

  /** Called after each statement with its duration (metrics). */
  onStatement(listener: (durationMs: number, outcome: string) => void): void {
    this.listeners.push(listener);
  }

  /** Cancels a running statement from another connection. */
  private async cancel(pid: number): Promise<void> {
    try {
      await this.pool.query('SELECT pg_cancel_backend($1)', [pid]);
    } catch {
      // Best effort: the statement may have finished already.
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function translate(error: unknown, aborted: boolean): unknown {
  if (error instanceof UserError) return error;
  const code = (error as { code?: string }).code;
  if (code === '57014')
    return aborted
      ? new UserError('QUERY_CANCELLED', 'the query was cancelled', {})
      : new UserError('QUERY_TIMEOUT', 'the query took longer than the statement timeout; narrow it with filters, a time constraint or a coarser grain', {});
  if (code && (code.startsWith('08') || code === '57P01' || code === '57P03' || code === '53300'))
    return new UserError('WAREHOUSE_UNAVAILABLE', 'the warehouse cannot be reached; try again shortly', {});
  if (code && /^(22|25|42)/.test(code))
    return new UserError('WAREHOUSE_ERROR', `the warehouse rejected the query (SQLSTATE ${code}): check that the definitions match the tables`, { sqlstate: code });
  return error;
}
