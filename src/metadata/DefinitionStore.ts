import type { DataSource, EntityManager } from 'typeorm';
import {
  contentHash,
  diffDefinitions,
  loadDefinitions,
  type Definitions,
  type MetricDef,
  type ObjectChange,
  type ObjectKind,
  type SourceFile,
} from '../definitions';
import { UserError } from '../errors';
import { DefinitionVersionRow, type VersionSummary } from './entities/DefinitionVersion';

export interface PublishRequest {
  readonly files: readonly SourceFile[];
  readonly vars?: Readonly<Record<string, string>>;
  readonly message?: string;
  readonly author: string;
  /** Refuse to publish unless the current head is exactly this version. */
  readonly expectedParentVersion?: number | null;
}

export interface PublishResult {
  readonly version: DefinitionVersionRow;
  /** False when the content equals the head's: no version was created. */
  readonly created: boolean;
  readonly changes: readonly ObjectChange[];
}

export interface MetricHistoryEntry {
  readonly versionNumber: number;
  readonly changeType: 'added' | 'removed' | 'changed';
  readonly fields: ReadonlyArray<{ path: string; before: unknown; after: unknown }>;
  readonly author: string;
  readonly message: string;
  readonly createdAt: Date;
}

/** Arbitrary constant: serializes publishes across every server sharing the store. */
const PUBLISH_LOCK = 7_301_955_162;
export const DEFINITIONS_CHANNEL = 'northstar_definitions';

/**
 * Published definition versions: the only writer of definition rows. A publish is one
 * transaction under an advisory lock: validate, compare with the head, write the version
 * and its change index, notify listeners. Nothing is written when anything fails.
 */
export class DefinitionStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Validates without storing anything; throws DefinitionsError with every problem. */
  validate(files: readonly SourceFile[], vars: Readonly<Record<string, string>> = {}): Definitions {
    return loadDefinitions(files, { vars });
  }

  async publish(request: PublishRequest): Promise<PublishResult> {
    const vars = { ...(request.vars ?? {}) };
    const definitions = loadDefinitions(request.files, { vars });
    const hash = contentHash(definitions);
    return this.dataSource.transaction('READ COMMITTED', async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1)', [PUBLISH_LOCK]);
      const head = await this.headRow(em);
      const headNumber = head?.number ?? 0;
      if (
        request.expectedParentVersion !== undefined &&
        request.expectedParentVersion !== null &&
        request.expectedParentVersion !== headNumber
      ) {
        throw new UserError(
          'VERSION_CONFLICT',
          `the head moved: expected version ${request.expectedParentVersion}, but the current version is ${headNumber}; fetch it, merge and publish again`,
          { expectedParentVersion: request.expectedParentVersion, headVersion: headNumber },
        );
      }
      if (head && head.hash === hash) return { version: head, created: false, changes: [] };
      const changes = diffDefinitions(head?.definitions ?? null, definitions);
      const row = em.create(DefinitionVersionRow, {
        number: headNumber + 1,
        hash,
        parentNumber: head ? head.number : null,
        author: request.author,
        message: request.message ?? '',
        files: request.files.map((f) => ({ path: f.path, content: f.content })),
        vars,
        definitions,
        summary: summarize(definitions, changes),
      });
      await em.save(DefinitionVersionRow, row);
      if (changes.length > 0) {
        // One statement for the whole change index, however many objects changed.
        await em.query(
          `INSERT INTO northstar.definition_change (version_number, kind, name, change_type, content_hash, fields)
           SELECT $1, kind, name, change_type, content_hash, fields
             FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[])
                  AS c(kind, name, change_type, content_hash, fields)`,
          [
            row.number,
            changes.map((c) => c.kind),
            changes.map((c) => c.name),
            changes.map((c) => c.changeType),
            changes.map((c) => c.contentHash),
            changes.map((c) => JSON.stringify(c.fields.map((f) => ({ path: f.path, before: f.before ?? null, after: f.after ?? null })))),
          ],
        );
      }
      await em.query('SELECT pg_notify($1, $2)', [DEFINITIONS_CHANNEL, String(row.number)]);
      const stored = await em.findOneByOrFail(DefinitionVersionRow, { number: row.number });
      return { version: stored, created: true, changes };
    });
  }

  async head(): Promise<DefinitionVersionRow | null> {
    return this.headRow(this.dataSource.manager);
  }

  async headNumber(): Promise<number | null> {
    const rows: Array<{ number: number | null }> = await this.dataSource.query(
      'SELECT max(number) AS number FROM northstar.definition_version',
    );
    return rows[0]?.number ?? null;
  }

  async get(number: number): Promise<DefinitionVersionRow | null> {
    return this.dataSource.manager.findOneBy(DefinitionVersionRow, { number });
  }

  async require(number: number): Promise<DefinitionVersionRow> {
    const row = await this.get(number);
    if (!row) throw new UserError('UNKNOWN_VERSION', `there is no definition version ${number}`, { version: number });
    return row;
  }

  /** Versions newest first, without their (large) file and definition bodies. */
  async list(options: { limit?: number; before?: number } = {}): Promise<DefinitionVersionRow[]> {
    if (options.limit === 0) return [];
    const query = this.dataSource.manager
      .createQueryBuilder(DefinitionVersionRow, 'v')
      .select(['v.number', 'v.hash', 'v.parentNumber', 'v.author', 'v.message', 'v.createdAt', 'v.summary'])
      .orderBy('v.number', 'DESC')
      .limit(Math.min(Math.max(options.limit ?? 50, 1), 1000));
    if (options.before !== undefined) query.where('v.number < :before', { before: options.before });
    return query.getMany();
  }

  /** What changed from version `from` to version `to` (either direction). */
  async diff(from: number, to: number): Promise<ObjectChange[]> {
    const [a, b] = await Promise.all([this.require(from), this.require(to)]);
    return diffDefinitions(a.definitions, b.definitions);
  }

  /** Changes that touched one object, newest first. */
  async history(kind: ObjectKind, name: string): Promise<MetricHistoryEntry[]> {
    return (await this.historyOf(kind, [name])).get(name) ?? [];
  }

  /** Changes that touched each of several objects (one query), newest first. */
  async historyOf(kind: ObjectKind, names: readonly string[]): Promise<Map<string, MetricHistoryEntry[]>> {
    const rows: Array<{
      name: string;
      version_number: number;
      change_type: MetricHistoryEntry['changeType'];
      fields: MetricHistoryEntry['fields'];
      author: string;
      message: string;
      created_at: Date;
    }> = await this.dataSource.query(
      `SELECT c.name, c.version_number, c.change_type, c.fields, v.author, v.message, v.created_at
         FROM northstar.definition_change c
         JOIN northstar.definition_version v ON v.number = c.version_number
        WHERE c.kind = $1 AND c.name = ANY($2::text[])
        ORDER BY c.name, c.version_number DESC`,
      [kind, [...names]],
    );
    const out = new Map<string, MetricHistoryEntry[]>(names.map((n) => [n, []]));
    for (const r of rows) {
      out.get(r.name)!.push({
        versionNumber: r.version_number,
        changeType: r.change_type,
        fields: r.fields,
        author: r.author,
        message: r.message,
        createdAt: r.created_at,
      });
    }
    return out;
  }

  /** A metric as it was at a version (the head when omitted), or null if it did not exist. */
  async metricAt(name: string, version?: number): Promise<{ version: number; metric: MetricDef } | null> {
    const row = version === undefined ? await this.head() : await this.require(version);
    if (!row) return null;
    const metric = row.definitions.metrics.find((m) => m.name === name);
    return metric ? { version: row.number, metric } : null;
  }

  private async headRow(em: EntityManager): Promise<DefinitionVersionRow | null> {
    return em.getRepository(DefinitionVersionRow).findOne({ where: {}, order: { number: 'DESC' } });
  }
}

function summarize(defs: Definitions, changes: readonly ObjectChange[]): VersionSummary {
  return {
    semanticModels: defs.semanticModels.length,
    metrics: defs.metrics.length,
    savedQueries: defs.savedQueries.length,
    added: changes.filter((c) => c.changeType === 'added').length,
    removed: changes.filter((c) => c.changeType === 'removed').length,
    changed: changes.filter((c) => c.changeType === 'changed').length,
  };
}
