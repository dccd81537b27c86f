import { join } from 'node:path';
import { Client } from 'pg';
import { readConfig } from './config';
import { readDefinitionFiles } from './definitions';
import { seedDemoData } from './demo/seed';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded';
import { closeServices, createLogger, createServices, startServer } from './server';

/**
 * `npm start`: the demo. An embedded PostgreSQL under .northstar/ (unless DATABASE_URL is
 * set), migrations, the demo shop data (generated once), its definitions published, and
 * the GraphQL server with GraphiQL.
 */
async function main(): Promise<void> {
  const started = Date.now();
  const root = join(__dirname, '..', '..');
  let embedded: EmbeddedDatabase | null = null;
  let stopEarly = () => {};
  if (!process.env['DATABASE_URL']) {
    const home = process.env['NORTHSTAR_HOME'] ?? join(root, '.northstar');
    embedded = await startEmbeddedPostgres({ dir: join(home, 'postgres'), database: 'northstar' });
    console.log(`PostgreSQL (embedded)  ${embedded.url.replace(/:[^:@/]+@/, ':***@')}  data in ${embedded.dir}`);
    // Interrupted while starting: stop PostgreSQL too (replaced by the full shutdown once serving).
    const early = () => void embedded?.stop().finally(() => process.exit(1));
    process.once('SIGINT', early);
    process.once('SIGTERM', early);
    stopEarly = () => {
      process.removeListener('SIGINT', early);
      process.removeListener('SIGTERM', early);
    };
  }
  const config = readConfig(process.env, embedded ? { databaseUrl: embedded.url } : {});
  const logger = createLogger(config.logLevel);
  const services = await createServices(config, logger);
  const warehouse = new Client({ connectionString: config.warehouseUrl });
  await warehouse.connect();
  try {
    const present = await warehouse.query("SELECT to_regclass('demo.orders') IS NOT NULL AS present");
    if (!present.rows[0].present) {
      console.log('Generating the demo data set (first start only) ...');
      const seeded = await seedDemoData(warehouse);
      const total = Object.values(seeded.tables).reduce((a, b) => a + b, 0);
      console.log(`  ${total.toLocaleString('en-US')} rows in ${Object.keys(seeded.tables).length} tables (schema demo)`);
    }
  } finally {
    await warehouse.end();
  }
  const files = await readDefinitionFiles(join(root, 'demo', 'definitions'));
  const published = await services.store.publish({ files, author: 'northstar-demo', message: 'demo definitions' });
  await services.registry.refresh();
  const server = await startServer(config, { logger, services });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    [
      '',
      `Northstar is ready in ${seconds}s`,
      `  GraphQL + GraphiQL  ${server.url}`,
      `  definitions        version ${published.version.number} (${published.version.summary.metrics} metrics, ${published.version.summary.semanticModels} semantic models)${published.created ? '' : ', unchanged'}`,
      `  health             ${server.url.replace('/graphql', '/healthz')}`,
      server.devMode
        ? '  auth               DEV MODE: no NORTHSTAR_JWT_SECRET / NORTHSTAR_JWKS_URL set, every request acts as admin'
        : '  auth               Bearer JWT or X-API-Key required',
      '',
    ].join('\n'),
  );
  // First signal: finish requests in flight, then stop. A second one stops at once,
  // PostgreSQL included (it must never outlive us).
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) {
      console.log(`${signal} again: stopping now`);
      void (embedded?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
      return;
    }
    stopping = true;
    console.log(`\n${signal}: finishing requests in flight ...`);
    void (async () => {
      await server.stop();
      await closeServices(services);
      await embedded?.stop();
      process.exit(0);
    })();
  };
  stopEarly();
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
