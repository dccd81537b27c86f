import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { DefinitionsError, diffDefinitions, loadDefinitions, SemanticGraph } from '../definitions';
import { UserError } from '../errors';
import type { DefinitionVersionRow } from '../metadata/entities/DefinitionVersion';
import { canPublish } from '../security/principal';
import type { Context } from './context';
import { DefinitionVersion, PublishInput, PublishResult, ValidateInput, ValidationResult, VersionDiff } from './types/definitions';

/** Publishing, validating and reading the history of definitions. No SQL here: the store does it. */
@Resolver()
export class DefinitionsResolver {
  @Mutation(() => PublishResult, { description: 'Validate and publish a whole definition set as a new version' })
  async publishDefinitions(@Arg('input', () => PublishInput) input: PublishInput, @Ctx() ctx: Context): Promise<PublishResult> {
    if (!canPublish(ctx.principal)) throw new UserError('FORBIDDEN', 'publishing definitions needs the admin or publisher role', {});
    const vars = stringVars(input.vars);
    const result = await ctx.services.store.publish({
      files: input.files,
      vars,
      message: input.message ?? '',
      author: ctx.principal.id,
      expectedParentVersion: input.expectedParentVersion ?? null,
    });
    if (result.created) ctx.services.registry.install(result.version.number, new SemanticGraph(result.version.definitions));
    ctx.services.audit.record({
      principal: ctx.principal.id,
      action: 'publish',
      requestId: ctx.requestId,
      definitionVersion: result.version.number,
      detail: { created: result.created, changes: result.changes.length, message: input.message ?? '' },
      outcome: 'ok',
      durationMs: null,
    });
    return { version: toVersion(result.version), created: result.created, changes: result.changes.map(copyChange) };
  }

  @Query(() => ValidationResult, { description: 'Check definition files without storing anything' })
  async validateDefinitions(@Arg('input', () => ValidateInput) input: ValidateInput, @Ctx() ctx: Context): Promise<ValidationResult> {
    try {
      const defs = loadDefinitions(input.files, { vars: stringVars(input.vars) });
      const head = await ctx.services.store.head();
      return {
        valid: true,
        errors: [],
        semanticModels: defs.semanticModels.length,
        metrics: defs.metrics.length,
        savedQueries: defs.savedQueries.length,
        changes: diffDefinitions(head?.definitions ?? null, defs).map(copyChange),
      };
    } catch (error) {
      if (!(error instanceof DefinitionsError)) throw error;
      return { valid: false, errors: error.issues.map((i) => ({ ...i })), semanticModels: 0, metrics: 0, savedQueries: 0, changes: [] };
    }
  }

  @Query(() => [DefinitionVersion], { description: 'Published versions, newest first' })
  async definitionVersions(
    @Ctx() ctx: Context,
    @Arg('limit', () => Int, { nullable: true }) limit?: number,
    @Arg('before', () => Int, { nullable: true }) before?: number,
  ): Promise<DefinitionVersion[]> {
    const rows = await ctx.services.store.list({ ...(limit !== undefined && limit !== null ? { limit } : {}), ...(before !== undefined && before !== null ? { before } : {}) });
    return rows.map(toVersion);
  }

  @Query(() => DefinitionVersion, { nullable: true })
  async definitionVersion(@Arg('number', () => Int) number: number, @Ctx() ctx: Context): Promise<DefinitionVersion | null> {
    const row = await ctx.services.store.get(number);
    return row ? toVersion(row) : null;
  }

  @Query(() => VersionDiff, { description: 'What changed from one version to another' })
  async diff(@Arg('from', () => Int) from: number, @Arg('to', () => Int) to: number, @Ctx() ctx: Context): Promise<VersionDiff> {
    const changes = await ctx.services.store.diff(from, to);
    return { from, to, changes: changes.map(copyChange) };
  }
}

function stringVars(vars: Record<string, unknown> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(vars ?? {})) {
    if (value === null || typeof value === 'object')
      throw new UserError('BAD_USER_INPUT', `variable '${key}' must be a string, number or boolean`, { variable: key });
    out[key] = String(value);
  }
  return out;
}

export function toVersion(row: DefinitionVersionRow): DefinitionVersion {
  return {
    number: row.number,
    hash: row.hash,
    parentNumber: row.parentNumber,
    author: row.author,
    message: row.message,
    createdAt: row.createdAt,
    summary: row.summary,
  };
}

function copyChange(change: { kind: string; name: string; changeType: string; fields: ReadonlyArray<{ path: string; before: unknown; after: unknown }> }) {
  return { kind: change.kind, name: change.name, changeType: change.changeType, fields: change.fields.map((f) => ({ ...f })) };
}
