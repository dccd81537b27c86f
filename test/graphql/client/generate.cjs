// Generates TypeScript types for operations.graphql from schema/schema.graphql with
// GraphQL Code Generator. Run by codegen.test.ts as a plain Node process (the plugins load ES modules).
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { codegen } = require('@graphql-codegen/core');
const operationsPlugin = require('@graphql-codegen/typescript-operations');
const { buildSchema, parse } = require('graphql');

async function main() {
  const root = join(__dirname, '..', '..', '..');
  const sdl = readFileSync(join(root, 'schema', 'schema.graphql'), 'utf8');
  const output = await codegen({
    schema: parse(sdl),
    schemaAst: buildSchema(sdl),
    documents: [{ document: parse(readFileSync(join(__dirname, 'operations.graphql'), 'utf8')), location: 'operations.graphql' }],
    filename: 'generated.ts',
    config: { scalars: { JSON: 'unknown', DateTime: 'string' }, enumsAsTypes: true },
    plugins: [{ typescriptOperations: {} }],
    pluginMap: { typescriptOperations: operationsPlugin },
  });
  writeFileSync(process.argv[2], output);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
