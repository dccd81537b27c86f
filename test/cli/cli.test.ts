import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { MARKETPLACE_DIR } from '../support/marketplace';
import { startTestServer, type TestServer } from '../support/server';

/**
 * The real CLI as a user runs it: `bin/northstar.js` in a child process (the compiled
 * dist/, rebuilt first when src/ is newer), against a real server and real databases.
 */

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'northstar.js');
const DIST_CLI = join(ROOT, 'dist', 'src', 'cli.js');
const MODELS = join(MARKETPLACE_DIR, 'models');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Environment without anything that would point the CLI somewhere else. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['NORTHSTAR_URL', 'NORTHSTAR_TOKEN', 'NORTHSTAR_API_KEY', 'DATABASE_URL', 'WAREHOUSE_URL', 'NORTHSTAR_JWT_SECRET', 'NORTHSTAR_JWKS_URL'])
    delete env[key];
  return { ...env, ...extra };
}

/** Asynchronous, so the in-process test server keeps answering while the child runs. */
function run(args: string[], options: { env?: Record<string, string>; script?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.script ?? BIN, ...args], { cwd: ROOT, env: cleanEnv(options.env ?? {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

async function buildIfStale(): Promise<void> {
  const sources = Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'migrations')));
  if (existsSync(DIST_CLI) && statSync(DIST_CLI).mtimeMs >= sources) return;
  const tsc = await new Promise<Run>((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: out, stderr: '' }));
  });
  if (tsc.code !== 0) throw new Error(`npx tsc -p tsconfig.build.json failed:\n${tsc.stdout}`);
}

/** A copy of the marketplace models in a temp dir, for editing. */
function copyModels(): string {
  const dir = mkdtempSync(join(tmpdir(), 'northstar-cli-'));
  cpSync(MODELS, dir, { recursive: true });
  return dir;
}

function editFile(dir: string, file: string, change: (text: string) => string): string {
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`the edit of ${file} changed nothing`);
  writeFileSync(path, after);
  return after;
}

function positionOf(text: string, needle: string): string {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`'${needle}' is not in the text`);
  const before = text.slice(0, at);
  return `${before.split('\n').length}:${at - before.lastIndexOf('\n')}`;
}

const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);

const temps: string[] = [];
function tempModels(): string {
  const dir = copyModels();
  temps.push(dir);
  return dir;
}

beforeAll(async () => {
  await buildIfStale();
}, 300_000);
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('northstar validate', () => {
  it('accepts the marketplace models (exit 0, one summary line)', async () => {
    const r = await run(['validate', MODELS]);
    expect(r).toEqual({ code: 0, stdout: '9 files are valid: 8 semantic models, 56 metrics, 2 saved queries\n', stderr: '' });
  });

  it('runs the same from dist/src/cli.js directly', async () => {
    const r = await run(['validate', MODELS], { script: DIST_CLI });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('9 files are valid: 8 semantic models, 56 metrics, 2 saved queries\n');
  });

  it('lists every problem of a broken copy as file:line:column: message on stderr (exit 1)', async () => {
    const dir = tempModels();
    const bookings = editFile(dir, 'bookings.yml', (s) => s.replace('type_params:\n      measure: instant_bookings\n', 'type_params:\n      measure: instant_bookngs\n'));
    const users = editFile(dir, 'users.yml', (s) => s.replace('  - name: users\n', '  - name: users\n    name: people\n'));
    mkdirSync(join(dir, 'more'));
    const extra = 'metrics:\n  - name: broken_ratio\n    type: ratio\n    type_params:\n      numerator: bookings\n      denominator: visitz\n';
    writeFileSync(join(dir, 'more', 'extra.yml'), extra);

    const r = await run(['validate', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const err = lines(r.stderr);
    expect(err[err.length - 1]).toBe('3 problems; nothing was published');
    const problems = err.slice(0, -1);
    expect(problems).toHaveLength(3);
    for (const line of problems) expect(line).toMatch(/^[\w/.-]+\.yml:\d+:\d+: \S/);
    expect(problems[0]).toBe(`bookings.yml:${positionOf(bookings, 'instant_bookngs')}: metric 'instant_bookings': measure 'instant_bookngs' is not a measure. Did you mean 'instant_bookings'?`);
    expect(problems[1]).toMatch(new RegExp(`^more/extra\\.yml:${positionOf(extra, 'visitz')}: .*visitz.*Did you mean 'visits'\\?$`));
    expect(problems[2]).toMatch(new RegExp(`^users\\.yml:${positionOf(users, 'name: people')}: .*unique`));
  });

  it('takes --var values, and names a missing variable', async () => {
    const dir = tempModels();
    const text = editFile(dir, 'listings.yml', (s) => s.replace('schema_name: marketplace\n      alias: listings\n', 'schema_name: $source_schema\n      alias: listings\n'));
    const missing = await run(['validate', dir]);
    expect(missing.code).toBe(1);
    expect(lines(missing.stderr)[0]).toMatch(new RegExp(`^listings\\.yml:${positionOf(text, '$source_schema').split(':')[0]}:\\d+: variable 'source_schema' is not set`));
    const given = await run(['validate', dir, '--var', 'source_schema=marketplace']);
    expect(given.code).toBe(0);
    expect(given.stdout).toContain('9 files are valid');
  });

  it('fails clearly without a directory, or on one that does not exist', async () => {
    const none = await run(['validate']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('validate needs a directory');
    const nowhere = await run(['validate', join(tmpdir(), 'northstar-no-such-dir')]);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toMatch(/northstar-no-such-dir/);
    expect(nowhere.stderr).not.toMatch(/\n\s+at\s/);
  });
});

describe('northstar push / versions / diff against a running server', () => {
  let t: TestServer;
  let dir: string;
  beforeAll(async () => {
    t = await startTestServer({}, { publish: false });
    dir = tempModels();
    // The schema comes from --var, as in a real dbt project.
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yml')))
      writeFileSync(join(dir, file), readFileSync(join(dir, file), 'utf8').replaceAll('schema_name: marketplace', 'schema_name: $source_schema'));
  });
  afterAll(() => t.close());

  const url = () => t.server.url;

  it('push publishes a new version and prints what changed', async () => {
    const r = await run(['push', dir, '--var', 'source_schema=marketplace', '--message', 'first push', '--url', url()]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out[0]).toBe('9 files are valid: 8 semantic models, 56 metrics, 2 saved queries');
    expect(out[1]).toMatch(/^Published version 1 \([0-9a-f]{12}\) by dev-admin$/);
    const changes = out.slice(2);
    expect(changes).toHaveLength(8 + 56 + 2 + 1);
    expect(changes).toContain('  + semantic model bookings');
    expect(changes).toContain('  + metric bookings');
    expect(changes).toContain('  + metric visit_to_buy_conversion_rate_7d');
    expect(changes).toContain('  + saved query monthly_bookings_by_country');
    expect(changes.filter((l) => l.startsWith('  + time spine '))).toHaveLength(1);
    for (const line of changes) expect(line).toMatch(/^ {2}\+ (semantic model|metric|saved query|time spine) \w+$/);

    const version = await t.gql('{ definitionVersion(number: 1) { number author message hash } }');
    expect(version.body.data.definitionVersion).toMatchObject({ number: 1, author: 'dev-admin', message: 'first push' });
    expect(out[1]).toContain(version.body.data.definitionVersion.hash.slice(0, 12));
    const q = await t.gql('{ query(input: { metrics: ["bookings"] }) { rows definitionVersion } }');
    expect(q.body.data.query).toEqual({ rows: [{ bookings: 400 }], definitionVersion: 1 });
  });

  it('pushing the same content again prints No changes and creates nothing', async () => {
    const r = await run(['push', dir, '--var', 'source_schema=marketplace', '--message', 'again', '--url', url()]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(lines(r.stdout)[1]).toBe('No changes: version 1 already has this content.');
    const versions = await t.gql('{ definitionVersions { number } }');
    expect(versions.body.data.definitionVersions).toEqual([{ number: 1 }]);
  });

  it('push of an edit prints the changed fields', async () => {
    editFile(dir, 'bookings.yml', (s) => s.replace('label: Bookings\n    description: Number of bookings.\n', 'label: Bookings\n    description: Every booking, instant or not.\n'));
    editFile(dir, 'listings.yml', (s) => s.replace('expr: capacity >= 6', 'expr: capacity >= 8'));
    const r = await run(['push', dir, '--var', 'source_schema=marketplace', '--message=describe bookings', '--url', url()]);
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out[1]).toMatch(/^Published version 2 \([0-9a-f]{12}\) by dev-admin$/);
    expect(out.slice(2)).toEqual(['  ~ semantic model listings: dimensions[is_large].expr', '  ~ metric bookings: description']);
  });

  it('push refuses a broken directory locally, publishing nothing', async () => {
    const broken = tempModels();
    const text = editFile(broken, 'bookings.yml', (s) => s.replace('type_params:\n      measure: instant_bookings\n', 'type_params:\n      measure: instant_bookngs\n'));
    const r = await run(['push', broken, '--message', 'broken', '--url', url()]);
    expect(r.code).toBe(1);
    expect(lines(r.stderr)[0]).toMatch(new RegExp(`^bookings\\.yml:${positionOf(text, 'instant_bookngs')}: `));
    expect(r.stdout).not.toContain('Published');
    const versions = await t.gql('{ definitionVersions { number } }');
    expect(versions.body.data.definitionVersions).toEqual([{ number: 2 }, { number: 1 }]);
  });

  it('push with a stale --expected-parent is refused with VERSION_CONFLICT', async () => {
    editFile(dir, 'funnel.yml', (s) => s.replace('label: Buy value\n', 'label: Add-on value\n'));
    const r = await run(['push', dir, '--var', 'source_schema=marketplace', '--expected-parent', '1', '--url', url()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^VERSION_CONFLICT: .*expected version 1.*current version is 2/m);
    const ok = await run(['push', dir, '--var', 'source_schema=marketplace', '--expected-parent', '2', '--message', 'relabel', '--url', url()]);
    expect(ok.code).toBe(0);
    expect(lines(ok.stdout)).toContain('  ~ metric buy_value: label');
    expect(lines(ok.stdout)[1]).toMatch(/^Published version 3 /);
  });

  it('versions lists the versions, newest first', async () => {
    const r = await run(['versions', '--url', url()]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = lines(r.stdout);
    expect(out).toHaveLength(3);
    const iso = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z';
    expect(out[0]).toMatch(new RegExp(`^ {3}3 {2}${iso} {2}dev-admin {8}\\+0 ~1 -0 {2}relabel$`));
    expect(out[1]).toMatch(new RegExp(`^ {3}2 {2}${iso} {2}dev-admin {8}\\+0 ~2 -0 {2}describe bookings$`));
    expect(out[2]).toMatch(new RegExp(`^ {3}1 {2}${iso} {2}dev-admin {8}\\+67 ~0 -0 {2}first push$`));

    // The URL can come from NORTHSTAR_URL too.
    const fromEnv = await run(['versions'], { env: { NORTHSTAR_URL: url() } });
    expect(fromEnv.stdout).toBe(r.stdout);
  });

  it('diff A B prints the changes between two versions, in either direction', async () => {
    const r = await run(['diff', '1', '2', '--url', url()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('From version 1 to 2:\n  ~ semantic model listings: dimensions[is_large].expr\n  ~ metric bookings: description\n');
    const across = await run(['diff', '3', '1', '--url', url()]);
    expect(across.stdout).toBe(
      'From version 3 to 1:\n  ~ semantic model listings: dimensions[is_large].expr\n  ~ metric bookings: description\n  ~ metric buy_value: label\n',
    );
    const same = await run(['diff', '2', '2', '--url', url()]);
    expect(same.stdout).toBe('From version 2 to 2:\n  (no object changed)\n');

    const unknown = await run(['diff', '1', '99', '--url', url()]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^UNKNOWN_VERSION: /m);
    const usage = await run(['diff', '1', '--url', url()]);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('usage: northstar diff A B');
  });

  it('says so when the server cannot be reached', async () => {
    const r = await run(['versions', '--url', 'http://127.0.0.1:9/graphql']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot reach http://127.0.0.1:9/graphql');
  });

  it('push of a directory without YAML files fails clearly', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'northstar-cli-empty-'));
    temps.push(empty);
    const r = await run(['push', empty, '--url', url()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no .yml or .yaml files under');
  });
});

describe('northstar push against a server that requires authentication', () => {
  const SECRET = 'cli-test-secret-0123456789abcdef0123';
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ NORTHSTAR_JWT_SECRET: SECRET }, { publish: false });
  });
  afterAll(() => t.close());

  it('fails with UNAUTHENTICATED without a token, and publishes as the subject of NORTHSTAR_TOKEN', async () => {
    const refused = await run(['push', MODELS, '--url', t.server.url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^UNAUTHENTICATED: /m);

    const viewer = await new SignJWT({ roles: ['viewer'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('victor').setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));
    const forbidden = await run(['push', MODELS, '--url', t.server.url], { env: { NORTHSTAR_TOKEN: viewer } });
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toMatch(/^FORBIDDEN: /m);

    const admin = await new SignJWT({ roles: ['admin'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('carol').setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));
    const ok = await run(['push', MODELS, '--message', 'by carol', '--url', t.server.url], { env: { NORTHSTAR_TOKEN: admin } });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(lines(ok.stdout)[1]).toMatch(/^Published version 1 \([0-9a-f]{12}\) by carol$/);

    const versions = await run(['versions', '--url', t.server.url], { env: { NORTHSTAR_TOKEN: admin } });
    expect(versions.stdout).toMatch(/^ {3}1 .* carol .* by carol\n$/);
  });
});

describe('northstar migrate', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('applies the migrations to a fresh database, then has nothing to do', async () => {
    const first = await run(['migrate'], { env: { DATABASE_URL: db.url } });
    expect(first.stderr).toBe('');
    expect(first).toMatchObject({ code: 0, stdout: 'Applied Initial1763900000000\n' });

    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const tables = await client.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'northstar' ORDER BY table_name`);
      expect(tables.rows.map((r) => r.table_name)).toEqual(['api_key', 'audit_event', 'definition_change', 'definition_version']);
    } finally {
      await client.end();
    }

    const second = await run(['migrate'], { env: { DATABASE_URL: db.url } });
    expect(second).toMatchObject({ code: 0, stdout: 'The metadata store is up to date.\n' });
  });

  it('needs DATABASE_URL', async () => {
    const r = await run(['migrate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('DATABASE_URL is not set');
  });
});

describe('northstar usage', () => {
  it('help prints the usage (exit 0); an unknown command prints it on stderr (exit 1)', async () => {
    const help = await run(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: northstar <command>');
    for (const command of ['serve', 'validate DIR', 'push DIR', 'versions', 'diff A B', 'migrate']) expect(help.stdout).toContain(command);

    const unknown = await run(['publish']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown command 'publish'");
    expect(unknown.stderr).toContain('Usage: northstar <command>');

    const nothing = await run([]);
    expect(nothing.code).toBe(1);
    expect(nothing.stdout + nothing.stderr).toContain('Usage: northstar <command>');
  });
});
