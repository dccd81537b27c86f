/**
 * Tokenizer for dbt filter expressions: SQL scalar syntax plus `{{ ... }}` Jinja calls.
 * Comments, semicolons, quoted identifiers and dollar quoting are rejected outright:
 * nothing in a filter may escape the expression it belongs to.
 */
export type TokenKind =
  | 'number'
  | 'string'
  | 'word'
  | 'op'
  | 'punct'
  | 'templateOpen'
  | 'templateClose'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Words are lower-cased in `value`; `text` keeps the original spelling. */
  readonly value: string;
  readonly text: string;
  readonly at: number;
}

export class LexError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

const OPERATORS = ['<=', '>=', '<>', '!=', '||', '::', '=', '<', '>', '+', '-', '*', '/', '%'];
const PUNCTUATION = new Set(['(', ')', ',', '[', ']', '.']);

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (text.startsWith('{{', i)) {
      tokens.push({ kind: 'templateOpen', value: '{{', text: '{{', at: i });
      i += 2;
      continue;
    }
    if (text.startsWith('}}', i)) {
      tokens.push({ kind: 'templateClose', value: '}}', text: '}}', at: i });
      i += 2;
      continue;
    }
    if (text.startsWith('--', i) || text.startsWith('/*', i) || text.startsWith('{#', i) || text.startsWith('{%', i))
      throw new LexError('comments and template statements are not allowed in an expression', i);
    if (ch === ';') throw new LexError("';' is not allowed in an expression", i);
    if (ch === '$') throw new LexError("'$' is not allowed in an expression", i);
    if (ch === '\u0000') throw new LexError('NUL characters are not allowed', i);
    if (ch === '`') throw new LexError('backquotes are not allowed in an expression', i);
    if (ch === "'" || ch === '"') {
      const [value, end] = readString(text, i, ch);
      tokens.push({ kind: 'string', value, text: text.slice(i, end), at: i });
      i = end;
      continue;
    }
    const number = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i));
    if (number) {
      tokens.push({ kind: 'number', value: number[0], text: number[0], at: i });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (word) {
      tokens.push({ kind: 'word', value: word[0].toLowerCase(), text: word[0], at: i });
      i += word[0].length;
      continue;
    }
    const op = OPERATORS.find((candidate) => text.startsWith(candidate, i));
    if (op) {
      tokens.push({ kind: 'op', value: op === '!=' ? '<>' : op, text: op, at: i });
      i += op.length;
      continue;
    }
    if (PUNCTUATION.has(ch)) {
      tokens.push({ kind: 'punct', value: ch, text: ch, at: i });
      i++;
      continue;
    }
    throw new LexError(`unexpected character '${ch}'`, i);
  }
  tokens.push({ kind: 'eof', value: '', text: '', at: text.length });
  return tokens;
}

/**
 * Reads a quoted string starting at `start`. Single quotes follow SQL ('' escapes a quote);
 * double quotes are accepted only as Python/Jinja string literals inside templates, where
 * the parser checks the context.
 */
function readString(text: string, start: number, quote: string): [string, number] {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\u0000') throw new LexError('NUL characters are not allowed in strings', i);
    if (ch === quote) {
      if (text[i + 1] === quote) {
        value += quote;
        i += 2;
        continue;
      }
      return [value, i + 1];
    }
    if (ch === '\\' && quote === '"' && i + 1 < text.length) {
      value += text[i + 1];
      i += 2;
      continue;
    }
    value += ch;
    i++;
  }
  throw new LexError('unterminated string', start);
}
