import type { IssueList } from './issues';
import { didYouMean } from './suggest';
import type { SourceLocation } from './types';
import { toPlain, type YMap, type YNode } from './yamlTree';

/** What every field reader shares: where problems go and the publish-time variables. */
export interface ReadContext {
  readonly issues: IssueList;
  readonly vars: Readonly<Record<string, string>>;
}

const VAR_CALL = /\{\{-?\s*var\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"])([^'"]*)\3\s*)?\)\s*-?\}\}/g;
const DOLLAR_VAR = /\$([A-Za-z_][A-Za-z0-9_]*)|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replaces `{{ var('name') }}` (with an optional default) from the publish-time variables. */
export function substituteVars(text: string, ctx: ReadContext, loc: SourceLocation, dollar = false): string {
  const lookup = (name: string, fallback: string | undefined): string => {
    if (Object.prototype.hasOwnProperty.call(ctx.vars, name)) return ctx.vars[name]!;
    if (fallback !== undefined) return fallback;
    ctx.issues.add(
      'MISSING_VARIABLE',
      loc,
      `variable '${name}' is not set; pass it at publish time (--var ${name}=...).${didYouMean(name, Object.keys(ctx.vars))}`,
    );
    return '';
  };
  let out = text.includes('var(') ? text.replace(VAR_CALL, (_m, _q, name: string, _q2, fallback?: string) => lookup(name, fallback)) : text;
  if (dollar && out.includes('$'))
    out = out.replace(DOLLAR_VAR, (_m, plain?: string, braced?: string) => lookup((plain ?? braced)!, undefined));
  return out;
}

/**
 * Reads one YAML mapping field by field, recording every problem and, at `finish()`,
 * every key nobody asked for (with the closest known key).
 */
export class MapReader {
  private readonly used = new Set<string>();

  constructor(
    readonly node: YMap,
    /** "semantic model 'bookings'": how messages name this object. */
    readonly what: string,
    readonly ctx: ReadContext,
  ) {}

  static of(node: YNode | undefined, what: string, ctx: ReadContext): MapReader | null {
    if (!node) return null;
    if (node.kind !== 'map') {
      ctx.issues.add('INVALID_VALUE', node.loc, `${what} must be a mapping`);
      return null;
    }
    return new MapReader(node, what, ctx);
  }

  get loc(): SourceLocation {
    return this.node.loc;
  }

  has(key: string): boolean {
    return this.node.entries.some((e) => e.key === key);
  }

  raw(key: string): YNode | undefined {
    this.used.add(key);
    return this.node.entries.find((e) => e.key === key)?.value;
  }

  /** Location of a key's value, or of the mapping itself when the key is absent. */
  at(key: string): SourceLocation {
    return this.node.entries.find((e) => e.key === key)?.value.loc ?? this.node.loc;
  }

  keyAt(key: string): SourceLocation {
    return this.node.entries.find((e) => e.key === key)?.keyLoc ?? this.node.loc;
  }

  /** Marks keys as understood without reading them (dbt fields that carry no meaning here). */
  ignore(...keys: string[]): void {
    for (const key of keys) this.used.add(key);
  }

  string(key: string, options: { required?: boolean; dollarVars?: boolean } = {}): string | null {
    const node = this.raw(key);
    if (!node || (node.kind === 'scalar' && node.value === null)) {
      if (options.required) this.missing(key);
      return null;
    }
    if (node.kind !== 'scalar') {
      this.ctx.issues.add('INVALID_VALUE', node.loc, `${this.what}: '${key}' must be a string`);
      return null;
    }
    return substituteVars(String(node.value), this.ctx, node.loc, options.dollarVars);
  }

  requiredString(key: string, options: { dollarVars?: boolean } = {}): string | null {
    return this.string(key, { ...options, required: true });
  }

  boolean(key: string, fallback: boolean): boolean {
    const node = this.raw(key);
    if (!node || (node.kind === 'scalar' && node.value === null)) return fallback;
    if (node.kind === 'scalar' && typeof node.value === 'boolean') return node.value;
    if (node.kind === 'scalar' && typeof node.value === 'string' && /^(true|false)$/i.test(node.value))
      return node.value.toLowerCase() === 'true';
    this.ctx.issues.add('INVALID_VALUE', node.loc, `${this.what}: '${key}' must be true or false`);
    return fallback;
  }

  number(key: string): number | null {
    const node = this.raw(key);
    if (!node || (node.kind === 'scalar' && node.value === null)) return null;
    if (node.kind === 'scalar') {
      const value = typeof node.value === 'string' ? Number(substituteVars(node.value, this.ctx, node.loc)) : node.value;
      if (typeof value === 'number' && Number.isFinite(value)) return value;
    }
    this.ctx.issues.add('INVALID_VALUE', node.loc, `${this.what}: '${key}' must be a number`);
    return null;
  }

  /** A string restricted to `allowed` (compared case-insensitively, returned lower-cased). */
  oneOf<T extends string>(key: string, allowed: readonly T[], options: { required?: boolean } = {}): T | null {
    const value = this.string(key, options);
    if (value === null) return null;
    const lowered = value.toLowerCase() as T;
    if (allowed.includes(lowered)) return lowered;
    this.ctx.issues.add(
      'INVALID_VALUE',
      this.at(key),
      `${this.what}: '${key}' is '${value}'; expected one of ${allowed.join(', ')}.${didYouMean(lowered, allowed)}`,
    );
    return null;
  }

  /** A list of nodes; a missing key is an empty list. */
  list(key: string, options: { required?: boolean } = {}): YNode[] {
    const node = this.raw(key);
    if (!node || (node.kind === 'scalar' && node.value === null)) {
      if (options.required) this.missing(key);
      return [];
    }
    if (node.kind !== 'seq') {
      this.ctx.issues.add('INVALID_VALUE', node.loc, `${this.what}: '${key}' must be a list`);
      return [];
    }
    return [...node.items];
  }

  /** A list of strings, also accepting a single string. */
  strings(key: string): Array<{ value: string; loc: SourceLocation }> {
    const node = this.raw(key);
    if (!node || (node.kind === 'scalar' && node.value === null)) return [];
    const items = node.kind === 'seq' ? node.items : [node];
    const out: Array<{ value: string; loc: SourceLocation }> = [];
    for (const item of items) {
      if (item.kind !== 'scalar' || item.value === null) {
        this.ctx.issues.add('INVALID_VALUE', item.loc, `${this.what}: '${key}' must be a string or a list of strings`);
        continue;
      }
      out.push({ value: substituteVars(String(item.value), this.ctx, item.loc), loc: item.contentLoc });
    }
    return out;
  }

  map(key: string, what: string, options: { required?: boolean } = {}): MapReader | null {
    const node = this.raw(key);
    if (!node || (node.kind === 'scalar' && node.value === null)) {
      if (options.required) this.missing(key);
      return null;
    }
    return MapReader.of(node, what, this.ctx);
  }

  plain(key: string): unknown {
    const node = this.raw(key);
    return node ? toPlain(node) : undefined;
  }

  missing(key: string): void {
    this.ctx.issues.add('MISSING_FIELD', this.node.loc, `${this.what} is missing the required field '${key}'`);
  }

  /** Reports keys that were never read, suggesting the closest known key. */
  finish(known: readonly string[] = []): void {
    const allowed = [...new Set([...this.used, ...known])];
    for (const entry of this.node.entries) {
      if (this.used.has(entry.key) || known.includes(entry.key)) continue;
      this.ctx.issues.add(
        'UNKNOWN_FIELD',
        entry.keyLoc,
        `${this.what} has an unknown field '${entry.key}'; expected one of ${allowed.sort().join(', ')}.${didYouMean(entry.key, allowed)}`,
      );
    }
  }
}
