export default async function globalTeardown() {
  const pg = globalThis.__northstarPg;
  if (pg) await pg.stop();
}
