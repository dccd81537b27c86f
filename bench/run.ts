import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadDefinitions, readDefinitionFiles, SemanticGraph } from '../src/definitions';
import { startEmbeddedPostgres } from '../src/embedded';
import { Warehouse } from '../src/execution/warehouse';
import { createMetadataDataSource, migrate } from '../src/metadata/dataSource';
import { DefinitionStore } from '../src/metadata/DefinitionStore';
import { planQuery } from '../src/planner';
import { readConfig } from '../src/config';
import { startServer } from '../src/server';
import { load, startBareApollo } from './api';
import { generateManifest } from './manifest';
import { benchPlanning, planningRequests } from './planning';
import { median, ms } from './stats';
import { BENCH_DEFINITIONS, BENCH_QUESTIONS, seedBenchWarehouse } from './warehouse';

/**
 * `npm run bench`: every figure is measured in this run, on this machine.
 * BENCH_ONLY=planning,publish,sql,startup picks sections; BENCH_ORDERS sets the fact rows (5e6).
 */
const ROOT = join(__dirname, '..', '..');
const only = (process.env['BENCH_ONLY'] ?? 'planning,publish,sql,api,startup').split(',');

async function adminUrl(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env['DATABASE_URL']) return { url: process.env['DATABASE_URL'], stop: async () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'northstar-bench-'));
  const pg = await startEmbeddedPostgres({ dir, database: 'bench' });
  return { url: pg.url, stop: async () => (await pg.stop(), rmSync(dir, { recursive: true, force: true })) };
}

async function planning(): Promise<void> {
  console.log('\n## Planning + rendering time per request');
  const marketplace = new SemanticGraph(loadDefinitions(await readDefinitionFiles(join(ROOT, 'test', 'fixtures', 'marketplace', 'models'))));
  const large = new SemanticGraph(loadDefinitions(generateManifest(500, 2000)));
  const small = benchPlanning(marketplace, planningRequests(marketplace));
  const big = benchPlanning(large, planningRequests(large));
  console.log(`test manifest (${marketplace.models.size} models, ${marketplace.metrics.size} metrics): p50 ${ms(small.p50)}, p99 ${ms(small.p99)} over ${small.samples} plans`);
  console.log(`generated manifest (${large.models.size} models, ${large.metrics.size} metrics): p50 ${ms(big.p50)}, p99 ${ms(big.p99)} over ${big.samples} plans`);
  console.log(`ratio large/test: p50 ${(big.p50 / small.p50).toFixed(2)}x, p99 ${(big.p99 / small.p99).toFixed(2)}x`);
}

async function publish(url: string): Promise<void> {
  console.log('\n## Publishing a generated definition set (500 semantic models, 2,000 metrics)');
  const files = generateManifest(500, 2000);
  const times: number[] = [];
  for (let run = 0; run < 3; run++) {
    const db = `bench_publish_${run}_${process.pid}`;
    const admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${db}`);
    await admin.query(`CREATE DATABASE ${db}`);
    const target = new URL(url);
    target.pathname = `/${db}`;
    const ds = createMetadataDataSource(target.toString());
    await ds.initialize();
    await migrate(ds);
    const started = process.hrtime.bigint();
    const result = await new DefinitionStore(ds).publish({ files, author: 'bench', message: 'generated' });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (!result.created || result.version.summary.metrics !== 2000) throw new Error('unexpected publish result');
    await ds.destroy();
    await admin.query(`DROP DATABASE ${db} WITH (FORCE)`);
    await admin.end();
  }
  console.log(`publish (validate + store + change index), 3 runs: ${times.map(ms).join(', ')}; median ${ms(median(times))}`);
}

async function sqlVersusHand(url: string): Promise<void> {
  const orders = Number(process.env['BENCH_ORDERS'] ?? 5_000_000);
  console.log(`\n## Generated SQL vs hand-written SQL (${orders.toLocaleString('en-US')} order rows)`);
  const client = new Client({ connectionString: url });
  await client.connect();
  const seeded = Date.now();
  await seedBenchWarehouse(client, orders);
  console.log(`seeded in ${ms(Date.now() - seeded)}`);
  const graph = new SemanticGraph(loadDefinitions(BENCH_DEFINITIONS));
  const warehouse = new Warehouse(url, { max: 2 });
  const ratios: number[] = [];
  for (const question of BENCH_QUESTIONS) {
    const planned = planQuery(graph, question.request as never);
    const generated = () => warehouse.run(planned.sql);
    const hand = () => warehouse.run({ text: question.hand, values: [] });
    // Same answer first: a fast wrong query proves nothing.
    const [a, b] = await Promise.all([generated(), hand()]);
    if (JSON.stringify(a.rows.map(Object.values)) !== JSON.stringify(b.rows.map(Object.values)))
      throw new Error(`'${question.name}': generated and hand-written results differ`);
    const g: number[] = [];
    const h: number[] = [];
    for (let run = 0; run < 7; run++) {
      const order = run % 2 === 0 ? [generated, hand] : [hand, generated];
      for (const fn of order) {
        const started = process.hrtime.bigint();
        await fn();
        (fn === generated ? g : h).push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }
    const ratio = median(g) / median(h);
    ratios.push(ratio);
    console.log(`${question.name.padEnd(52)} generated ${ms(median(g)).padStart(10)}  hand ${ms(median(h)).padStart(10)}  ratio ${ratio.toFixed(3)}`);
  }
  console.log(`median ratio generated/hand over ${ratios.length} questions: ${median(ratios).toFixed(3)}`);
  await warehouse.close();
  await client.query('DROP SCHEMA bench_wh CASCADE');
  await client.end();
}

async function api(url: string): Promise<void> {
  console.log('\n## End-to-end GraphQL latency and throughput (concurrency 8), against a bare Apollo Server');
  const dbName = `bench_api_${process.pid}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  const target = new URL(url);
  target.pathname = `/${dbName}`;
  const data = new Client({ connectionString: target.toString() });
  await data.connect();
  await data.query(readFileSync(join(ROOT, 'test', 'fixtures', 'marketplace', 'data.sql'), 'utf8'));
  await data.end();
  const config = readConfig({ DATABASE_URL: target.toString(), PORT: '0', LOG_LEVEL: 'silent' });
  const server = await startServer(config);
  const files = await readDefinitionFiles(join(ROOT, 'test', 'fixtures', 'marketplace', 'models'));
  await server.services.store.publish({ files, author: 'bench', message: 'bench' });
  await server.services.registry.refresh();
  const bare = await startBareApollo();
  const n = Number(process.env['BENCH_API_REQUESTS'] ?? 3000);
  const body = (query: string) => () => JSON.stringify({ query });
  try {
    await load(bare.url, body('{ hello }'), 300, 8);
    const baseline = await load(bare.url, body('{ hello }'), n, 8);
    const scenarios: Array<[string, (i: number) => string]> = [
      ['catalog query (metrics { name type owner })', body('{ metrics { name type owner tier } }')],
      ['metric query, cached result', body('{ query(input: { metrics: ["bookings", "booking_value"], groupBy: ["metric_time__month"] }) { rows } }')],
      [
        'metric query, every request a new statement',
        (i) => JSON.stringify({ query: `{ query(input: { metrics: ["bookings", "booking_value"], groupBy: ["metric_time__month", "listing__country"], limit: ${i + 1} }) { rows } }` }),
      ],
    ];
    console.log(`bare Apollo constant resolver: p50 ${ms(baseline.p50)}, p99 ${ms(baseline.p99)}, ${baseline.throughput.toFixed(0)} req/s`);
    for (const [name, make] of scenarios) {
      await load(server.url, make, 200, 8);
      const r = await load(server.url, (i) => make(i + 500), n, 8);
      console.log(
        `${name.padEnd(48)} p50 ${ms(r.p50).padStart(9)} (${(r.p50 / baseline.p50).toFixed(1)}x)  p99 ${ms(r.p99).padStart(9)} (${(r.p99 / baseline.p99).toFixed(1)}x)  ${r.throughput.toFixed(0)} req/s (${(r.throughput / baseline.throughput).toFixed(2)}x)`,
      );
    }
    const metrics = ['bookings', 'booking_value', 'instant_bookings', 'bookers', 'us_bookings', 'lux_booking_value', 'visits', 'buys', 'buy_value', 'listings_created', 'new_users', 'instant_booking_rate'];
    const fields = metrics.map((m) => `${m}: metric(name: "${m}") { values(grain: MONTH) { time value } }`).join(' ');
    server.services.warehouse.statements = 0;
    await load(server.url, () => JSON.stringify({ query: `{ ${fields} }` }), 1, 1);
    const batched = server.services.warehouse.statements;
    console.log(`batching: an operation with ${metrics.length} metric fields over ${new Set(metrics.flatMap((m) => server.services.registry.current().graph.measuresOf(m).map((x) => x.model.name))).size} models ran ${batched} SQL statement(s) (unbatched: ${metrics.length})`);
  } finally {
    await bare.stop();
    await server.stop();
    await admin.query(`DROP DATABASE ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

/** Time from `node dist/src/main.js` to its "ready" banner. */
function startOnce(home: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const env: NodeJS.ProcessEnv = { ...process.env, NORTHSTAR_HOME: home, PORT: '0', LOG_LEVEL: 'warn' };
    delete env['DATABASE_URL'];
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    let ready = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!ready && output.includes('Northstar is ready')) {
        ready = true;
        const elapsed = Date.now() - started;
        child.once('exit', () => resolve(elapsed));
        child.kill('SIGTERM');
      }
    });
    child.once('exit', (code) => {
      if (!output.includes('Northstar is ready')) reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
}

async function startup(): Promise<void> {
  console.log('\n## npm start (the demo), cold and warm');
  const home = mkdtempSync(join(tmpdir(), 'northstar-start-'));
  try {
    const cold = await startOnce(home);
    const warm = [await startOnce(home), await startOnce(home)];
    console.log(`cold start (initdb, migrations, demo data, publish): ${ms(cold)}`);
    console.log(`warm start (reuse everything): ${warm.map(ms).join(', ')}`);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`# Northstar benchmarks (${new Date().toISOString()}, node ${process.version})`);
  if (only.includes('planning')) await planning();
  if (only.includes('publish') || only.includes('sql') || only.includes('api')) {
    const db = await adminUrl();
    try {
      if (only.includes('publish')) await publish(db.url);
      if (only.includes('api')) await api(db.url);
      if (only.includes('sql')) await sqlVersusHand(db.url);
    } finally {
      await db.stop();
    }
  }
  if (only.includes('startup')) await startup();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
