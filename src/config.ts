/** Server settings, all from the environment (CONTRACT section 4). */
export interface Config {
  /** Metadata store. */
  readonly databaseUrl: string;
  /** Where metric queries run (defaults to the metadata store's database). */
  readonly warehouseUrl: string;
  readonly port: number;
  readonly host: string;
  readonly jwtSecret: string | null;
  readonly jwksUrl: string | null;
  /** Schema for `model: ref('x')` relations (null: the warehouse's search_path). */
  readonly defaultSchema: string | null;
  readonly statementTimeoutMs: number;
  readonly maxResultRows: number;
  readonly warehousePoolSize: number;
  readonly logLevel: string;
  /** GraphQL request limits: nesting depth, cost (a metric's values cost 25, other fields 1), body size. */
  readonly maxDepth: number;
  readonly maxCost: number;
  readonly maxBodyBytes: number;
  /** How long in-flight requests may take to finish when the server stops. */
  readonly shutdownGraceMs: number;
}

export function readConfig(env: NodeJS.ProcessEnv, defaults: { databaseUrl?: string } = {}): Config {
  const databaseUrl = env['DATABASE_URL'] ?? defaults.databaseUrl;
  if (!databaseUrl) throw new Error('DATABASE_URL is not set: point it at the PostgreSQL that holds the metadata store');
  return {
    databaseUrl,
    warehouseUrl: env['WAREHOUSE_URL'] ?? databaseUrl,
    port: integer(env['PORT'], 4000, 'PORT'),
    host: env['HOST'] ?? '127.0.0.1',
    jwtSecret: env['NORTHSTAR_JWT_SECRET'] || null,
    jwksUrl: env['NORTHSTAR_JWKS_URL'] || null,
    defaultSchema: env['NORTHSTAR_DEFAULT_SCHEMA'] || null,
    statementTimeoutMs: integer(env['NORTHSTAR_STATEMENT_TIMEOUT_MS'], 30_000, 'NORTHSTAR_STATEMENT_TIMEOUT_MS'),
    maxResultRows: integer(env['NORTHSTAR_MAX_RESULT_ROWS'], 100_000, 'NORTHSTAR_MAX_RESULT_ROWS'),
    warehousePoolSize: integer(env['NORTHSTAR_WAREHOUSE_POOL_SIZE'], 10, 'NORTHSTAR_WAREHOUSE_POOL_SIZE'),
    logLevel: env['LOG_LEVEL'] ?? 'info',
    maxDepth: integer(env['NORTHSTAR_MAX_DEPTH'], 12, 'NORTHSTAR_MAX_DEPTH'),
    maxCost: integer(env['NORTHSTAR_MAX_COST'], 5000, 'NORTHSTAR_MAX_COST'),
    maxBodyBytes: integer(env['NORTHSTAR_MAX_BODY_BYTES'], 2 * 1024 * 1024, 'NORTHSTAR_MAX_BODY_BYTES'),
    shutdownGraceMs: integer(env['NORTHSTAR_SHUTDOWN_GRACE_MS'], 30_000, 'NORTHSTAR_SHUTDOWN_GRACE_MS'),
  };
}

function integer(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${value}'`);
  return n;
}
