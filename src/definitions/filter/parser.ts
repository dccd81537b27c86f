import { didYouMean } from '../suggest';
import type { BinaryOperator, CastType, Expr, ItemReference } from './ast';
import { LexError, tokenize, type Token } from './lexer';

/**
 * Parses a dbt filter (`where`) or a derived-metric `expr` into an expression tree.
 * Only the operators and functions below exist; everything else is a parse error
 * with the offset where it happened.
 */
export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    /** Offset into the parsed text. */
    readonly at: number,
  ) {
    super(message);
  }
}

export interface ParseOptions {
  /** Derived-metric expressions may name input metrics as bare identifiers. */
  readonly allowIdentifiers?: boolean;
  /** Filters must reference at least one item; derived expressions need not use templates. */
  readonly allowTemplates?: boolean;
}

/** Allow-listed scalar functions and their accepted argument counts. */
export const FUNCTIONS: Readonly<Record<string, readonly [min: number, max: number]>> = {
  lower: [1, 1],
  upper: [1, 1],
  trim: [1, 1],
  ltrim: [1, 1],
  rtrim: [1, 1],
  length: [1, 1],
  char_length: [1, 1],
  coalesce: [1, 16],
  nullif: [2, 2],
  greatest: [1, 16],
  least: [1, 16],
  abs: [1, 1],
  round: [1, 2],
  floor: [1, 1],
  ceil: [1, 1],
  ceiling: [1, 1],
  sqrt: [1, 1],
  power: [2, 2],
  ln: [1, 1],
  exp: [1, 1],
  sign: [1, 1],
  concat: [1, 16],
  substring: [2, 3],
  substr: [2, 3],
  replace: [3, 3],
  left: [2, 2],
  right: [2, 2],
  strpos: [2, 2],
  date_trunc: [2, 2],
  date_part: [2, 2],
};

/** Window functions a derived-metric expression may use, with their argument counts. */
export const WINDOW_FUNCTIONS: Readonly<Record<string, readonly [min: number, max: number]>> = {
  rank: [0, 0],
  dense_rank: [0, 0],
  row_number: [0, 0],
  percent_rank: [0, 0],
  cume_dist: [0, 0],
  ntile: [1, 1],
  lag: [1, 3],
  lead: [1, 3],
  first_value: [1, 1],
  last_value: [1, 1],
  sum: [1, 1],
  avg: [1, 1],
  min: [1, 1],
  max: [1, 1],
  count: [1, 1],
};

const CAST_NAMES: Readonly<Record<string, CastType>> = {
  date: 'date',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  datetime: 'timestamp',
  int: 'integer',
  integer: 'integer',
  int4: 'integer',
  bigint: 'bigint',
  int8: 'bigint',
  smallint: 'smallint',
  numeric: 'numeric',
  decimal: 'numeric',
  double: 'double precision',
  float: 'double precision',
  float8: 'double precision',
  real: 'real',
  float4: 'real',
  text: 'text',
  varchar: 'text',
  string: 'text',
  char: 'text',
  boolean: 'boolean',
  bool: 'boolean',
};

export const EXTRACT_FIELDS = [
  'year', 'quarter', 'month', 'week', 'day', 'dow', 'isodow', 'doy', 'hour', 'minute', 'second', 'epoch',
] as const;

const RESERVED = new Set([
  'and', 'or', 'not', 'is', 'null', 'true', 'false', 'in', 'between', 'like', 'ilike', 'case', 'when',
  'then', 'else', 'end', 'cast', 'as', 'distinct', 'from', 'select', 'where', 'union',
]);

export function parseExpression(text: string, options: ParseOptions = {}): Expr {
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (error) {
    if (error instanceof LexError) throw new FilterSyntaxError(error.message, error.at);
    throw error;
  }
  const parser = new Parser(tokens, { allowIdentifiers: false, allowTemplates: true, ...options });
  const expr = parser.expression();
  parser.expectEnd();
  return expr;
}

/** Line and column (1-based) of an offset inside `text`. */
export function lineColumnOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

class Parser {
  private index = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly options: Required<ParseOptions>,
  ) {}

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'eof') this.fail(`unexpected ${describe(token)}`, token);
  }

  expression(): Expr {
    return this.or();
  }

  private or(): Expr {
    let left = this.and();
    while (this.acceptWord('or')) left = binary('or', left, this.and());
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.acceptWord('and')) left = binary('and', left, this.not());
    return left;
  }

  private not(): Expr {
    const token = this.peek();
    if (this.acceptWord('not')) return { kind: 'unary', op: 'not', operand: this.not(), at: token.at };
    return this.predicate();
  }

  /** Comparison and the SQL postfix predicates: IS, IN, BETWEEN, LIKE. */
  private predicate(): Expr {
    const left = this.additive();
    const token = this.peek();
    if (token.kind === 'op' && ['=', '<>', '<', '<=', '>', '>='].includes(token.value)) {
      this.index++;
      return binary(token.value as BinaryOperator, left, this.additive());
    }
    if (this.acceptWord('is')) {
      const negated = this.acceptWord('not');
      if (this.acceptWord('null')) return { kind: 'is', operand: left, negated, test: 'null', at: left.at };
      if (this.acceptWord('true')) return { kind: 'is', operand: left, negated, test: 'true', at: left.at };
      if (this.acceptWord('false')) return { kind: 'is', operand: left, negated, test: 'false', at: left.at };
      if (this.acceptWord('distinct')) {
        this.expectWord('from');
        return { kind: 'isDistinct', left, right: this.additive(), negated, at: left.at };
      }
      this.fail('expected NULL, TRUE, FALSE or DISTINCT FROM after IS', this.peek());
    }
    const negated = this.peekWord('not') && ['in', 'between', 'like', 'ilike'].includes(this.peek(1).value);
    if (negated) this.index++;
    if (this.acceptWord('in')) {
      this.expectPunct('(');
      const list = [this.additive()];
      while (this.acceptPunct(',')) list.push(this.additive());
      this.expectPunct(')');
      return { kind: 'in', operand: left, negated, list, at: left.at };
    }
    if (this.acceptWord('between')) {
      const low = this.additive();
      this.expectWord('and');
      return { kind: 'between', operand: left, negated, low, high: this.additive(), at: left.at };
    }
    const likeWord = this.peek().value;
    if (this.acceptWord('like') || this.acceptWord('ilike')) {
      return { kind: 'like', operand: left, negated, caseInsensitive: likeWord === 'ilike', pattern: this.additive(), at: left.at };
    }
    if (negated) this.fail('expected IN, BETWEEN or LIKE after NOT', this.peek());
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const token = this.peek();
      if (token.kind === 'op' && (token.value === '+' || token.value === '-' || token.value === '||')) {
        this.index++;
        left = binary(token.value, left, this.multiplicative());
      } else return left;
    }
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      const token = this.peek();
      if (token.kind === 'op' && (token.value === '*' || token.value === '/' || token.value === '%')) {
        this.index++;
        left = binary(token.value, left, this.unary());
      } else return left;
    }
  }

  private unary(): Expr {
    const token = this.peek();
    if (token.kind === 'op' && (token.value === '-' || token.value === '+')) {
      this.index++;
      const operand = this.unary();
      if (token.value === '+') return operand;
      if (operand.kind === 'literal' && typeof operand.value === 'number')
        return { ...operand, value: -operand.value, at: token.at };
      return { kind: 'unary', op: '-', operand, at: token.at };
    }
    return this.postfixCast(this.primary());
  }

  private postfixCast(expr: Expr): Expr {
    let result = expr;
    while (this.peek().kind === 'op' && this.peek().value === '::') {
      this.index++;
      result = { kind: 'cast', operand: result, type: this.typeName(), at: result.at };
    }
    return result;
  }

  private primary(): Expr {
    const token = this.peek();
    switch (token.kind) {
      case 'number': {
        this.index++;
        // A decimal point or exponent makes it numeric, never an integer (4.0 / 3 is not 1).
        return /[.eE]/.test(token.value)
          ? { kind: 'literal', value: Number(token.value), decimal: true, at: token.at }
          : { kind: 'literal', value: Number(token.value), at: token.at };
      }
      case 'string': {
        if (token.text.startsWith('"'))
          this.fail('double quotes are not allowed here; write strings in single quotes', token);
        this.index++;
        return { kind: 'literal', value: token.value, at: token.at };
      }
      case 'templateOpen':
        return this.template();
      case 'punct':
        if (token.value === '(') {
          this.index++;
          const inner = this.expression();
          this.expectPunct(')');
          return inner;
        }
        break;
      case 'word':
        return this.word(token);
      default:
        break;
    }
    return this.fail(`expected an expression but found ${describe(token)}`, token);
  }

  private word(token: Token): Expr {
    const word = token.value;
    if (word === 'null') return this.advance({ kind: 'literal', value: null, at: token.at });
    if (word === 'true') return this.advance({ kind: 'literal', value: true, at: token.at });
    if (word === 'false') return this.advance({ kind: 'literal', value: false, at: token.at });
    if (word === 'current_date') return this.advance({ kind: 'currentDate', at: token.at });
    if ((word === 'date' || word === 'timestamp' || word === 'interval') && this.peek(1).kind === 'string') {
      this.index++;
      const literal = this.next();
      if (!validTypedLiteral(word, literal.value)) this.fail(`'${literal.value}' is not a valid ${word.toUpperCase()}`, literal);
      return { kind: 'typedLiteral', type: word, value: literal.value, at: token.at };
    }
    if (word === 'case') return this.caseExpression(token);
    if (word === 'cast') {
      this.index++;
      this.expectPunct('(');
      const operand = this.expression();
      this.expectWord('as');
      const type = this.typeName();
      this.expectPunct(')');
      return { kind: 'cast', operand, type, at: token.at };
    }
    if (word === 'extract' && this.peek(1).value === '(') {
      this.index += 2;
      const fieldToken = this.next();
      const field = fieldToken.kind === 'string' ? fieldToken.value.toLowerCase() : fieldToken.value;
      if (!(EXTRACT_FIELDS as readonly string[]).includes(field))
        this.fail(`cannot extract '${fieldToken.text}'; expected one of ${EXTRACT_FIELDS.join(', ')}`, fieldToken);
      this.expectWord('from');
      const operand = this.expression();
      this.expectPunct(')');
      return { kind: 'extract', field, operand, at: token.at };
    }
    if (this.peek(1).kind === 'punct' && this.peek(1).value === '(') return this.call(token);
    if (RESERVED.has(word)) this.fail(`unexpected keyword ${token.text.toUpperCase()}`, token);
    if (!this.options.allowIdentifiers)
      this.fail(
        `unexpected name '${token.text}': refer to data with {{ Dimension('...') }}, {{ TimeDimension('...') }}, {{ Entity('...') }} or {{ Metric('...') }}`,
        token,
      );
    this.index++;
    if (this.peek().kind === 'punct' && this.peek().value === '.')
      this.fail('qualified names are not allowed; use the metric name or its alias', this.peek());
    return { kind: 'identifier', name: token.text, at: token.at };
  }

  private call(token: Token): Expr {
    const name = token.value;
    if (this.options.allowIdentifiers && WINDOW_FUNCTIONS[name] && this.isWindowCall()) return this.windowCall(token);
    const arity = FUNCTIONS[name];
    if (!arity) this.fail(`function '${token.text}' is not allowed.${didYouMean(name, Object.keys(FUNCTIONS))}`, token);
    this.index += 2;
    const args: Expr[] = [];
    if (!this.acceptPunct(')')) {
      do args.push(this.expression());
      while (this.acceptPunct(','));
      this.expectPunct(')');
    }
    const [min, max] = arity;
    if (args.length < min || args.length > max) {
      const expected = min === max ? `${min}` : `${min} to ${max}`;
      this.fail(`${name}() takes ${expected} argument${max === 1 ? '' : 's'}, got ${args.length}`, token);
    }
    return { kind: 'call', fn: name, args, at: token.at };
  }

  /** Looks past the argument list for OVER. */
  private isWindowCall(): boolean {
    let depth = 0;
    for (let i = this.index + 1; i < this.tokens.length; i++) {
      const t = this.tokens[i]!;
      if (t.kind === 'punct' && t.value === '(') depth++;
      else if (t.kind === 'punct' && t.value === ')') {
        depth--;
        if (depth === 0) return this.tokens[i + 1]?.kind === 'word' && this.tokens[i + 1]!.value === 'over';
      } else if (t.kind === 'eof') return false;
    }
    return false;
  }

  private windowCall(token: Token): Expr {
    const fn = token.value;
    this.index += 2;
    const args: Expr[] = [];
    if (!this.acceptPunct(')')) {
      do args.push(this.expression());
      while (this.acceptPunct(','));
      this.expectPunct(')');
    }
    const [min, max] = WINDOW_FUNCTIONS[fn]!;
    if (args.length < min || args.length > max) this.fail(`${fn}() takes ${min === max ? min : `${min} to ${max}`} arguments, got ${args.length}`, token);
    this.expectWord('over');
    this.expectPunct('(');
    const partitionBy: Expr[] = [];
    const orderBy: Array<{ expr: Expr; descending: boolean }> = [];
    if (this.acceptWord('partition')) {
      this.expectWord('by');
      do partitionBy.push(this.additive());
      while (this.acceptPunct(','));
    }
    if (this.acceptWord('order')) {
      this.expectWord('by');
      do {
        const expr = this.additive();
        const descending = this.acceptWord('desc');
        if (!descending) this.acceptWord('asc');
        orderBy.push({ expr, descending });
      } while (this.acceptPunct(','));
    }
    this.expectPunct(')');
    return { kind: 'window', fn, args, partitionBy, orderBy, at: token.at };
  }

  private caseExpression(token: Token): Expr {
    this.index++;
    const subject = this.peekWord('when') ? null : this.expression();
    const whens: Array<{ when: Expr; then: Expr }> = [];
    while (this.acceptWord('when')) {
      const when = this.expression();
      this.expectWord('then');
      whens.push({ when, then: this.expression() });
    }
    if (whens.length === 0) this.fail('expected WHEN in CASE', this.peek());
    const otherwise = this.acceptWord('else') ? this.expression() : null;
    this.expectWord('end');
    return { kind: 'case', subject, whens, otherwise, at: token.at };
  }

  private typeName(): CastType {
    const token = this.next();
    let name = token.kind === 'word' ? token.value : '';
    if (name === 'double' && this.peekWord('precision')) this.index++;
    if (name === 'character' && this.peekWord('varying')) {
      this.index++;
      name = 'varchar';
    }
    const type = CAST_NAMES[name];
    if (!type) this.fail(`cannot cast to '${token.text}'.${didYouMean(name, Object.keys(CAST_NAMES))}`, token);
    // Length/precision modifiers such as varchar(20) or numeric(10, 2) are accepted and dropped.
    if (this.acceptPunct('(')) {
      while (this.peek().kind === 'number' || this.peek().value === ',') this.index++;
      this.expectPunct(')');
    }
    return type;
  }

  // ---- {{ Dimension('x').grain('month') }} ----

  private template(): Expr {
    const open = this.next();
    if (!this.options.allowTemplates) this.fail('templates are not allowed here', open);
    const callee = this.next();
    const kinds: Record<string, ItemReference['type']> = {
      Dimension: 'dimension',
      TimeDimension: 'timeDimension',
      Entity: 'entity',
      Metric: 'metric',
    };
    const type = callee.kind === 'word' ? kinds[callee.text] : undefined;
    if (!type)
      this.fail(
        `unknown template function '${callee.text}'; expected Dimension, TimeDimension, Entity or Metric.${didYouMean(callee.text, Object.keys(kinds))}`,
        callee,
      );
    const args = this.templateArguments(callee);
    let ref = buildReference(type, args, (message) => this.fail(message, callee));
    while (this.acceptPunct('.')) {
      const method = this.next();
      const methodArgs = this.templateArguments(method);
      ref = applyMethod(ref, method.text, methodArgs, (message) => this.fail(message, method));
    }
    const close = this.peek();
    if (close.kind !== 'templateClose') this.fail(`expected '}}' but found ${describe(close)}`, close);
    this.index++;
    return { kind: 'ref', ref, at: open.at };
  }

  private templateArguments(callee: Token): TemplateArguments {
    this.expectPunct('(');
    const positional: TemplateValue[] = [];
    const named: Record<string, TemplateValue> = {};
    if (!this.acceptPunct(')')) {
      do {
        const token = this.peek();
        if (token.kind === 'word' && this.peek(1).kind === 'op' && this.peek(1).value === '=') {
          this.index += 2;
          named[token.text] = this.templateValue();
        } else {
          if (Object.keys(named).length > 0) this.fail('positional argument after a keyword argument', token);
          positional.push(this.templateValue());
        }
      } while (this.acceptPunct(','));
      this.expectPunct(')');
    }
    return { positional, named, at: callee.at };
  }

  private templateValue(): TemplateValue {
    const token = this.next();
    if (token.kind === 'string') return token.value;
    if (token.kind === 'word' && token.value === 'none') return null;
    if (token.kind === 'word' && token.value === 'true') return true;
    if (token.kind === 'word' && token.value === 'false') return false;
    if (token.kind === 'punct' && (token.value === '[' || token.value === '(')) {
      const closing = token.value === '[' ? ']' : ')';
      const items: string[] = [];
      if (!this.acceptPunct(closing)) {
        do {
          if (this.peek().value === closing) break; // trailing comma
          const item = this.next();
          if (item.kind !== 'string') this.fail(`expected a quoted name but found ${describe(item)}`, item);
          items.push(item.value);
        } while (this.acceptPunct(','));
        this.expectPunct(closing);
      }
      return items;
    }
    return this.fail(`expected a quoted name, a list of names, True/False or None but found ${describe(token)}`, token);
  }

  // ---- token helpers ----

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private advance<T>(value: T): T {
    this.index++;
    return value;
  }

  private peekWord(word: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.value === word;
  }

  private acceptWord(word: string): boolean {
    if (!this.peekWord(word)) return false;
    this.index++;
    return true;
  }

  private expectWord(word: string): void {
    if (!this.acceptWord(word)) this.fail(`expected ${word.toUpperCase()} but found ${describe(this.peek())}`, this.peek());
  }

  private acceptPunct(value: string): boolean {
    const token = this.peek();
    if (token.kind !== 'punct' || token.value !== value) return false;
    this.index++;
    return true;
  }

  private expectPunct(value: string): void {
    if (!this.acceptPunct(value)) this.fail(`expected '${value}' but found ${describe(this.peek())}`, this.peek());
  }

  private fail(message: string, token: Token): never {
    throw new FilterSyntaxError(message, token.at);
  }
}

type TemplateValue = string | string[] | boolean | null;
interface TemplateArguments {
  positional: TemplateValue[];
  named: Record<string, TemplateValue>;
  at: number;
}

const TEMPLATE_PARAMETERS: Record<ItemReference['type'], string[]> = {
  dimension: ['name', 'entity_path'],
  timeDimension: ['time_dimension_name', 'time_granularity_name', 'entity_path', 'descending', 'date_part_name'],
  entity: ['entity_name', 'entity_path'],
  metric: ['metric_name', 'group_by'],
};

function buildReference(type: ItemReference['type'], args: TemplateArguments, fail: (m: string) => never): ItemReference {
  const parameters = TEMPLATE_PARAMETERS[type];
  if (args.positional.length > parameters.length) fail(`too many arguments`);
  const values: Record<string, TemplateValue> = {};
  args.positional.forEach((value, i) => (values[parameters[i]!] = value));
  for (const [key, value] of Object.entries(args.named)) {
    if (!parameters.includes(key)) fail(`unknown argument '${key}'; expected one of ${parameters.join(', ')}.${didYouMean(key, parameters)}`);
    if (key in values) fail(`argument '${key}' given twice`);
    values[key] = value;
  }
  const name = values[parameters[0]!];
  if (typeof name !== 'string' || name.length === 0) fail(`the first argument must be a quoted name`);
  const list = (key: string): string[] => {
    const value = values[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) fail(`'${key}' must be a list of quoted names`);
    return value;
  };
  const optionalString = (key: string): string | undefined => {
    const value = values[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') fail(`'${key}' must be a quoted name`);
    return value.toLowerCase();
  };
  switch (type) {
    case 'dimension':
      return { type, name, entityPath: list('entity_path') };
    case 'timeDimension': {
      const grain = optionalString('time_granularity_name');
      const datePart = optionalString('date_part_name');
      return { type, name, entityPath: list('entity_path'), ...(grain ? { grain } : {}), ...(datePart ? { datePart } : {}) };
    }
    case 'entity':
      return { type, name, entityPath: list('entity_path') };
    case 'metric':
      return { type, name, groupBy: list('group_by') };
  }
}

function applyMethod(ref: ItemReference, method: string, args: TemplateArguments, fail: (m: string) => never): ItemReference {
  if (ref.type !== 'dimension' && ref.type !== 'timeDimension')
    fail(`.${method}() applies only to Dimension and TimeDimension`);
  const value = args.positional[0];
  if (method === 'descending') return ref;
  if (args.positional.length !== 1 || typeof value !== 'string') fail(`.${method}() takes one quoted name`);
  if (method === 'grain') return { ...ref, grain: value.toLowerCase() };
  if (method === 'date_part') return { ...ref, datePart: value.toLowerCase() };
  return fail(`unknown method '.${method}()'; expected .grain('...') or .date_part('...')`);
}

const DATE_LITERAL = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP_LITERAL = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?([+-]\d{2}(:?\d{2})?|Z)?$/;
const INTERVAL_LITERAL = /^\s*\d+(\.\d+)?\s+[a-z]+(\s+\d+(\.\d+)?\s+[a-z]+)*\s*$/i;

function validTypedLiteral(type: 'date' | 'timestamp' | 'interval', text: string): boolean {
  if (type === 'interval') return INTERVAL_LITERAL.test(text);
  const pattern = type === 'date' ? DATE_LITERAL : TIMESTAMP_LITERAL;
  if (!pattern.test(text)) return false;
  const [y, m, d] = text.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(y!, m! - 1, d!));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m! - 1 && date.getUTCDate() === d;
}

function binary(op: BinaryOperator, left: Expr, right: Expr): Expr {
  return { kind: 'binary', op, left, right, at: left.at };
}

function describe(token: Token): string {
  if (token.kind === 'eof') return 'the end of the expression';
  if (token.kind === 'string') return `string ${token.text}`;
  return `'${token.text}'`;
}
