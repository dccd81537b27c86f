import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { ObjectKind } from '../../definitions/diff';

/**
 * One object (metric, semantic model, ...) that a version added, removed or changed
 * against its parent: the index behind a metric's history.
 */
@Entity({ name: 'definition_change', schema: 'northstar' })
@Index('definition_change_object_idx', ['kind', 'name', 'versionNumber'])
@Index('definition_change_version_idx', ['versionNumber'])
export class DefinitionChangeRow {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'integer', name: 'version_number' })
  versionNumber!: number;

  @Column({ type: 'text' })
  kind!: ObjectKind;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', name: 'change_type' })
  changeType!: 'added' | 'removed' | 'changed';

  /** Hash of the object's normalized definition after the change (null when removed). */
  @Column({ type: 'text', name: 'content_hash', nullable: true })
  contentHash!: string | null;

  /** Field-level changes: [{ path, before, after }]. */
  @Column({ type: 'jsonb' })
  fields!: Array<{ path: string; before: unknown; after: unknown }>;
}
