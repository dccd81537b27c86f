import { UserError } from '../errors';
import type { SourceLocation } from './types';

/** Stable codes for definition problems; the message says what was expected. */
export type IssueCode =
  | 'YAML_SYNTAX'
  | 'NOT_A_DEFINITION_FILE'
  | 'MISSING_FIELD'
  | 'UNKNOWN_FIELD'
  | 'INVALID_VALUE'
  | 'INVALID_NAME'
  | 'RESERVED_NAME'
  | 'DUPLICATE_NAME'
  | 'UNKNOWN_REFERENCE'
  | 'INVALID_JOIN'
  | 'INVALID_FILTER'
  | 'INVALID_EXPRESSION'
  | 'CYCLE'
  | 'MISSING_VARIABLE';

export interface DefinitionIssue {
  readonly code: IssueCode;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** "models/bookings.yml:12:7: unknown measure 'bokings'. Did you mean 'bookings'?" */
export function formatIssue(issue: DefinitionIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.message}`;
}

/** Collects every problem before failing; order is file, line, column. */
export class IssueList {
  private readonly items: DefinitionIssue[] = [];
  /**
   * Names of objects that exist but could not be read (their problem is already reported):
   * references to them are not reported again as unknown.
   */
  readonly unreadable = new Set<string>();

  add(code: IssueCode, at: SourceLocation | undefined, message: string): void {
    const loc = at ?? { file: '<definitions>', line: 1, column: 1 };
    this.items.push({ code, file: loc.file, line: loc.line, column: loc.column, message });
  }

  get size(): number {
    return this.items.length;
  }

  sorted(): DefinitionIssue[] {
    const seen = new Set<string>();
    return [...this.items]
      .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column)
      .filter((issue) => {
        const key = formatIssue(issue);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
  }
}

export class DefinitionsError extends UserError {
  readonly issues: readonly DefinitionIssue[];

  constructor(issues: readonly DefinitionIssue[]) {
    const head = issues.slice(0, 20).map(formatIssue).join('\n');
    const more = issues.length > 20 ? `\n... and ${issues.length - 20} more` : '';
    super('INVALID_DEFINITIONS', `${issues.length} problem${issues.length === 1 ? '' : 's'} in the definitions:\n${head}${more}`, {
      issues: issues.map((issue) => ({ ...issue })),
    });
    this.issues = issues;
  }
}
