import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import type { IssueList } from './issues';
import type { SourceLocation } from './types';

/**
 * YAML documents as a small tree that remembers where every node came from, with
 * anchors, aliases and `<<` merge keys resolved. Readers report problems against `loc`.
 */
export type YNode = YMap | YSeq | YScalar;

export interface YMap {
  readonly kind: 'map';
  readonly entries: ReadonlyArray<{ readonly key: string; readonly keyLoc: SourceLocation; readonly value: YNode }>;
  readonly loc: SourceLocation;
}

export interface YSeq {
  readonly kind: 'seq';
  readonly items: readonly YNode[];
  readonly loc: SourceLocation;
}

export interface YScalar {
  readonly kind: 'scalar';
  readonly value: string | number | boolean | null;
  readonly loc: SourceLocation;
  /** Where the value's first character sits (after an opening quote or a block header). */
  readonly contentLoc: SourceLocation;
}

/** Parses every document of a file; syntax errors are reported and yield no documents. */
export function parseYamlFile(file: string, text: string, issues: IssueList): YNode[] {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const documents = Array.isArray(parsed) ? parsed : [];
  let failed = false;
  for (const doc of documents) {
    for (const error of doc.errors) {
      const pos = lineCounter.linePos(error.pos[0]);
      issues.add('YAML_SYNTAX', { file, line: pos.line, column: pos.col }, `YAML syntax error: ${firstLine(error.message)}`);
      failed = true;
    }
  }
  if (failed) return [];
  const at = (offset: number | undefined): SourceLocation => {
    const pos = lineCounter.linePos(offset ?? 0);
    return { file, line: pos.line, column: pos.col };
  };
  const out: YNode[] = [];
  for (const doc of documents) {
    if (doc.contents === null) continue;
    out.push(convert(doc.contents as Node, doc, at, issues, 0, text));
  }
  return out;
}

function convert(
  node: Node,
  doc: Document,
  at: (offset: number | undefined) => SourceLocation,
  issues: IssueList,
  depth: number,
  text: string,
): YNode {
  const loc = at(node.range?.[0]);
  const scalar = (value: YScalar['value']): YScalar => ({ kind: 'scalar', value, loc, contentLoc: contentStart(node, text, at) });
  if (depth > 64) {
    issues.add('YAML_SYNTAX', loc, 'YAML nesting is too deep (or an alias refers to itself)');
    return scalar(null);
  }
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (!target) {
      issues.add('YAML_SYNTAX', loc, `unknown alias *${node.source}`);
      return scalar(null);
    }
    return convert(target, doc, at, issues, depth + 1, text);
  }
  if (isMap(node)) {
    const entries: Array<{ key: string; keyLoc: SourceLocation; value: YNode }> = [];
    const merged: Array<{ key: string; keyLoc: SourceLocation; value: YNode }> = [];
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const keyLoc = keyNode ? at(keyNode.range?.[0]) : loc;
      const key = keyNode && isScalar(keyNode) ? String(keyNode.value) : null;
      const valueNode = pair.value as Node | null;
      const value: YNode = valueNode
        ? convert(valueNode, doc, at, issues, depth + 1, text)
        : { kind: 'scalar', value: null, loc: keyLoc, contentLoc: keyLoc };
      if (key === null) {
        issues.add('YAML_SYNTAX', keyLoc, 'mapping keys must be plain strings');
        continue;
      }
      if (key === '<<') {
        const sources = value.kind === 'seq' ? value.items : [value];
        for (const source of sources) {
          if (source.kind === 'map') merged.push(...source.entries);
          else issues.add('YAML_SYNTAX', keyLoc, 'a << merge key must refer to a mapping');
        }
        continue;
      }
      entries.push({ key, keyLoc, value });
    }
    for (const entry of merged) if (!entries.some((e) => e.key === entry.key)) entries.push(entry);
    return { kind: 'map', entries, loc };
  }
  if (isSeq(node)) {
    return { kind: 'seq', items: node.items.map((item) => convert(item as Node, doc, at, issues, depth + 1, text)), loc };
  }
  if (isScalar(node)) {
    const value = node.value;
    if (value === null || value === undefined) return scalar(null);
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return scalar(value);
    if (typeof value === 'bigint') return scalar(Number(value));
    return scalar(String(node.source ?? value));
  }
  issues.add('YAML_SYNTAX', loc, 'unsupported YAML node');
  return scalar(null);
}

/** Quoted scalars start one column after the quote; block scalars on the line after the header. */
function contentStart(node: Node, text: string, at: (offset: number | undefined) => SourceLocation): SourceLocation {
  const start = node.range?.[0] ?? 0;
  if (!isScalar(node)) return at(start);
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') return at(start + 1);
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    let i = text.indexOf('\n', start);
    if (i < 0) return at(start);
    i++;
    while (text[i] === ' ') i++;
    return at(i);
  }
  return at(start);
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** Converts a node to plain JSON (for free-form data such as `meta`). */
export function toPlain(node: YNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(toPlain);
    case 'map':
      return Object.fromEntries(node.entries.map((e) => [e.key, toPlain(e.value)]));
  }
}
