import { dirname, join } from 'node:path';
import type { RequestHandler } from 'express';

/** GraphiQL from local files (no CDN): the UMD builds of graphiql 4 and React 18. */
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

const ASSETS: Record<string, () => string> = {
  'graphiql.min.js': () => join(packageDir('graphiql'), 'graphiql.min.js'),
  'graphiql.min.css': () => join(packageDir('graphiql'), 'graphiql.min.css'),
  'react.production.min.js': () => join(packageDir('react'), 'umd', 'react.production.min.js'),
  'react-dom.production.min.js': () => join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'),
};

export const graphiqlAssets: RequestHandler = (req, res) => {
  const file = ASSETS[String(req.params['file'])];
  if (!file) {
    res.sendStatus(404);
    return;
  }
  res.sendFile(file(), { maxAge: '1h' });
};

const EXAMPLES = [
  `# Revenue-style metrics by month. Press the play button (or Ctrl-Enter).
query MonthlyMetrics {
  query(input: {
    metrics: ["revenue", "orders"]
    groupBy: ["metric_time__month"]
    orderBy: ["metric_time__month"]
  }) {
    columns { name type }
    rows
    sql
    definitionVersion
  }
}`,
  `# What would run, without running it.
query Explain {
  explain(input: { metrics: ["revenue"], groupBy: ["metric_time__quarter"] }) {
    plan
    sql
    parameters
  }
}`,
  `# Published versions and what changed.
query Versions {
  definitionVersions(limit: 5) { number author message createdAt summary { metrics added changed removed } }
}`,
];

/** The GraphiQL page, with example tabs for the demo. */
export function graphiqlPage(): string {
  const tabs = JSON.stringify(EXAMPLES.map((query) => ({ query }))).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Northstar GraphiQL</title>
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
  <link rel="stylesheet" href="/graphiql/assets/graphiql.min.css" />
</head>
<body>
  <div id="graphiql">Loading GraphiQL...</div>
  <script src="/graphiql/assets/react.production.min.js"></script>
  <script src="/graphiql/assets/react-dom.production.min.js"></script>
  <script src="/graphiql/assets/graphiql.min.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultTabs: ${tabs},
        isHeadersEditorEnabled: true,
        defaultEditorToolsVisibility: true,
        storage: GraphiQL.createLocalStorage({ namespace: 'northstar-v1' }),
      }),
    );
  </script>
</body>
</html>`;
}
