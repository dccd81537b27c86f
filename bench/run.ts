import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadDefinitions, readDefinitionFiles, SemanticGraph } from '../src/definitions';
import { startEmbeddedPostgres } from '../src/embedded';
import { Warehouse } from '../src/execution/warehouse';
import { createMetadataDataSource, migrate } from '../src/metadata/dataSource';
import { DefinitionStore } from '../src/metadata/DefinitionStore';
import { planQuery } from '../src/planner';
import { generateManifest } from './manifest';
import { benchPlanning, planningRequests } from './planning';
import { median, ms } from './stats';
import { BENCH_DEFINITIONS, BENCH_QUESTIONS, seedBenchWarehouse } from './warehouse';

/**
 * `npm run bench`: every figure is measured in this run, on this machine.
 * BENCH_ONLY=planning,publish,sql,startup picks sections; BENCH_ORDERS sets the fact rows (5e6).
 */
const ROOT = join(__dirname, '..', '..');
const only = (process.env['BENCH_ONLY'] ?? 'planning,publish,sql,startup').split(',');

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

/** Time from `node dist/src/main.js` to its "ready" banner. */
function startOnce(home: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const env: NodeJS.ProcessEnv = { ...process.env, NORTHSTAR_HOME: home, PORT: '0', LOG_LEVEL: 'warn' };
    delete env['DATABASE_URL'];
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Northstar is ready')) {
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
  if (only.includes('publish') || only.includes('sql')) {
    const db = await adminUrl();
    try {
      if (only.includes('publish')) await publish(db.url);
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
