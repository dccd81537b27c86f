import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { percentile } from './stats';

export interface LoadResult {
  readonly p50: number;
  readonly p99: number;
  readonly throughput: number;
  readonly requests: number;
}

/** `requests` POSTs with `concurrency` in flight over keep-alive connections; latency in ms. */
export async function load(url: string, body: (i: number) => string, requests: number, concurrency: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  const latencies: number[] = [];
  let next = 0;
  const one = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const payload = body(i);
      const started = process.hrtime.bigint();
      const req = http.request(
        { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => {
            if (res.statusCode !== 200 || text.includes('"errors"')) return reject(new Error(`request failed: ${res.statusCode} ${text.slice(0, 300)}`));
            latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
            resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) await one(next++);
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  agent.destroy();
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), throughput: requests / seconds, requests };
}

/** The baseline: Apollo Server 5 on express answering a constant. */
export async function startBareApollo(): Promise<{ url: string; stop(): Promise<void> }> {
  const app = express();
  const server = http.createServer(app);
  const apollo = new ApolloServer({
    typeDefs: 'type Query { hello: String! }',
    resolvers: { Query: { hello: () => 'world' } },
    plugins: [ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();
  app.use('/graphql', express.json(), expressMiddleware(apollo));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    async stop() {
      await apollo.stop();
      server.close();
    },
  };
}
