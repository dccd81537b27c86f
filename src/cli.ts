import { resolve } from 'node:path';
import { readConfig } from './config';
import { DefinitionsError, formatIssue, loadDefinitions, readDefinitionFiles } from './definitions';

const USAGE = `Usage: northstar <command>

  serve                       serve GraphQL (DATABASE_URL, WAREHOUSE_URL, PORT, HOST)
  validate DIR [--var k=v]    check the dbt Semantic Layer YAML under DIR; nothing is stored
  push DIR [--var k=v ...] [--message "..."] [--expected-parent N] [--url URL]
                              publish DIR as a new definitions version
  versions [--url URL]        list published versions
  diff A B [--url URL]        what changed from version A to version B
  migrate                     apply metadata store migrations (DATABASE_URL)

The server URL defaults to $NORTHSTAR_URL or http://localhost:4000/graphql; authenticate
with $NORTHSTAR_TOKEN (a JWT) or $NORTHSTAR_API_KEY when the server requires it.`;

interface Args {
  positional: string[];
  vars: Record<string, string>;
  options: Record<string, string>;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { positional: [], vars: {}, options: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--var') {
      const pair = argv[++i] ?? '';
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new CliError(`--var expects key=value, got '${pair}'`);
      args.vars[pair.slice(0, eq)] = pair.slice(eq + 1);
    } else if (arg.startsWith('--')) {
      const [key, inline] = arg.slice(2).split(/=(.*)/s, 2);
      args.options[key!] = inline ?? argv[++i] ?? '';
    } else args.positional.push(arg);
  }
  return args;
}

class CliError extends Error {}

async function graphql<T>(args: Args, query: string, variables: Record<string, unknown>): Promise<T> {
  const url = args.options['url'] ?? process.env['NORTHSTAR_URL'] ?? 'http://localhost:4000/graphql';
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (process.env['NORTHSTAR_TOKEN']) headers['authorization'] = `Bearer ${process.env['NORTHSTAR_TOKEN']}`;
  if (process.env['NORTHSTAR_API_KEY']) headers['x-api-key'] = process.env['NORTHSTAR_API_KEY'];
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  } catch (error) {
    throw new CliError(`cannot reach ${url}: ${(error as Error).message}`);
  }
  const body = (await response.json().catch(() => null)) as { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } | null;
  if (!body) throw new CliError(`${url} answered HTTP ${response.status} without a GraphQL body`);
  if (body.errors?.length) {
    const lines = body.errors.flatMap((e) => {
      const issues = e.extensions?.['issues'] as Array<{ file: string; line: number; column: number; message: string; code: string }> | undefined;
      return issues ? issues.map((i) => formatIssue({ ...i, code: i.code as never })) : [`${e.extensions?.['code'] ?? 'ERROR'}: ${e.message}`];
    });
    throw new CliError(lines.join('\n'));
  }
  return body.data as T;
}

async function validate(args: Args): Promise<number> {
  const dir = requireDir(args);
  const files = await readDefinitionFiles(dir);
  try {
    const defs = loadDefinitions(files, { vars: args.vars });
    console.log(`${files.length} files are valid: ${defs.semanticModels.length} semantic models, ${defs.metrics.length} metrics, ${defs.savedQueries.length} saved queries`);
    return 0;
  } catch (error) {
    if (!(error instanceof DefinitionsError)) throw error;
    for (const issue of error.issues) console.error(formatIssue(issue));
    console.error(`\n${error.issues.length} problem${error.issues.length === 1 ? '' : 's'}; nothing was published`);
    return 1;
  }
}

async function push(args: Args): Promise<number> {
  const dir = requireDir(args);
  const files = await readDefinitionFiles(dir);
  if (files.length === 0) throw new CliError(`no .yml or .yaml files under ${dir}`);
  // Check locally first: the same errors, without a round trip.
  if ((await validate(args)) !== 0) return 1;
  const expected = args.options['expected-parent'];
  const data = await graphql<{ publishDefinitions: PublishResponse }>(
    args,
    `mutation Publish($input: PublishInput!) {
      publishDefinitions(input: $input) {
        created
        version { number hash author message createdAt }
        changes { kind name changeType fields { path } }
      }
    }`,
    {
      input: {
        files,
        vars: args.vars,
        message: args.options['message'] ?? null,
        expectedParentVersion: expected === undefined ? null : Number(expected),
      },
    },
  );
  const result = data.publishDefinitions;
  if (!result.created) {
    console.log(`No changes: version ${result.version.number} already has this content.`);
    return 0;
  }
  console.log(`Published version ${result.version.number} (${result.version.hash.slice(0, 12)}) by ${result.version.author}`);
  printChanges(result.changes);
  return 0;
}

interface PublishResponse {
  created: boolean;
  version: { number: number; hash: string; author: string; message: string; createdAt: string };
  changes: Change[];
}

interface Change {
  kind: string;
  name: string;
  changeType: string;
  fields: Array<{ path: string }>;
}

function printChanges(changes: Change[]): void {
  if (changes.length === 0) console.log('  (no object changed)');
  const sign: Record<string, string> = { added: '+', removed: '-', changed: '~' };
  for (const c of changes) {
    const fields = c.fields.length ? `: ${c.fields.map((f) => f.path).join(', ')}` : '';
    console.log(`  ${sign[c.changeType] ?? '?'} ${c.kind.replace('_', ' ')} ${c.name}${fields}`);
  }
}

async function versions(args: Args): Promise<number> {
  const data = await graphql<{ definitionVersions: Array<{ number: number; author: string; message: string; createdAt: string; summary: Record<string, number> }> }>(
    args,
    `{ definitionVersions(limit: ${Number(args.options['limit'] ?? 20)}) { number author message createdAt summary { metrics semanticModels added changed removed } } }`,
    {},
  );
  for (const v of data.definitionVersions) {
    const s = v.summary;
    console.log(`${String(v.number).padStart(4)}  ${v.createdAt}  ${v.author.padEnd(16)} +${s['added']} ~${s['changed']} -${s['removed']}  ${v.message}`);
  }
  if (data.definitionVersions.length === 0) console.log('No versions published yet.');
  return 0;
}

async function diff(args: Args): Promise<number> {
  const [from, to] = args.positional.slice(1).map(Number);
  if (!Number.isInteger(from) || !Number.isInteger(to)) throw new CliError('usage: northstar diff A B (two version numbers)');
  const data = await graphql<{ diff: { changes: Change[] } }>(
    args,
    `query Diff($from: Int!, $to: Int!) { diff(from: $from, to: $to) { changes { kind name changeType fields { path } } } }`,
    { from, to },
  );
  console.log(`From version ${from} to ${to}:`);
  printChanges(data.diff.changes);
  return 0;
}

async function runMigrations(): Promise<number> {
  // Loaded on demand: validate and push start fast without the database layer.
  const { createMetadataDataSource, migrate } = await import('./metadata/dataSource.js');
  const config = readConfig(process.env);
  const dataSource = createMetadataDataSource(config.databaseUrl);
  await dataSource.initialize();
  try {
    const applied = await migrate(dataSource);
    console.log(applied.length ? `Applied ${applied.join(', ')}` : 'The metadata store is up to date.');
  } finally {
    await dataSource.destroy();
  }
  return 0;
}

async function serve(): Promise<number> {
  const { createLogger, startServer } = await import('./server.js');
  const config = readConfig(process.env);
  const logger = createLogger(config.logLevel);
  const server = await startServer(config, { logger });
  console.log(`Northstar serving ${server.url}${server.devMode ? '  (DEV MODE: no auth secret set, every request acts as admin)' : ''}`);
  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return new Promise(() => {});
}

function requireDir(args: Args): string {
  const dir = args.positional[1];
  if (!dir) throw new CliError(`${args.positional[0]} needs a directory`);
  return resolve(dir);
}

export async function runCli(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const command = args.positional[0];
  switch (command) {
    case 'serve':
      return serve();
    case 'validate':
      return validate(args);
    case 'push':
      return push(args);
    case 'versions':
      return versions(args);
    case 'diff':
      return diff(args);
    case 'migrate':
      return runMigrations();
    case undefined:
    case 'help':
    case '--help':
      console.log(USAGE);
      return command ? 0 : 1;
    default:
      console.error(`unknown command '${command}'\n\n${USAGE}`);
      return 1;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      if (code !== 0) process.exitCode = code;
    },
    (error) => {
      console.error(error instanceof CliError ? error.message : error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    },
  );
}

