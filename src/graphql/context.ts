import type { DataSource } from 'typeorm';
import type { AuditLog } from '../audit/AuditLog';
import type { QueryService } from '../execution/QueryService';
import type { Warehouse } from '../execution/warehouse';
import type { ActiveDefinitions, DefinitionRegistry } from '../metadata/DefinitionRegistry';
import type { DefinitionStore, MetricHistoryEntry } from '../metadata/DefinitionStore';
import type { Principal } from '../security/principal';
import type DataLoader from 'dataloader';
import type { MetricValues, ValuesKey } from './loaders';

/** Long-lived services shared by all requests. */
export interface Services {
  readonly metadata: DataSource;
  readonly store: DefinitionStore;
  readonly registry: DefinitionRegistry;
  readonly warehouse: Warehouse;
  readonly queries: QueryService;
  readonly audit: AuditLog;
}

/** Per request: who asks, on which definitions, and a signal for when the client leaves. */
export interface Context {
  readonly services: Services;
  readonly principal: Principal;
  readonly requestId: string;
  readonly signal: AbortSignal;
  /** The definitions this request reads, fixed at its first use (hot reload never changes them mid-request). */
  definitions(): ActiveDefinitions;
  /** Batches metric values of one operation into as few statements as possible. */
  readonly metricValues: DataLoader<ValuesKey, MetricValues, string>;
  /** Batches metric histories of one operation into one query. */
  readonly metricHistory: DataLoader<string, MetricHistoryEntry[]>;
}
