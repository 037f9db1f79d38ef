import type { ProjectConfig, ProjectPaths } from './config';
import type { EventBus } from './event-bus';
import type { DangoEventMap, DangoEventType } from './events';
import type { ConnectorRegistry } from './sources/connectors/registry';
import type { ActivityLog } from './logs';
import type { Warehouse } from './warehouse';

/** The fields of an event that its emitter supplies (type and timestamp are filled in). */
export type EventFields<K extends DangoEventType> = Omit<DangoEventMap[K], 'type' | 'timestamp'> & { timestamp?: string };

/**
 * What every module gets from the platform: config, paths, the warehouse, the activity log and the
 * one emitter. Modules never talk to each other directly except through the platform facade.
 */
export interface PlatformContext {
  readonly root: string;
  readonly paths: ProjectPaths;
  /** The current config; replaced in place by `reloadConfig()`. */
  readonly config: ProjectConfig;
  readonly warehouse: Warehouse;
  readonly log: ActivityLog;
  readonly events: EventBus;
  /** Emits one event (to its own name and to the catch-all `event`); the log and the WebSocket hub listen. */
  emit<K extends DangoEventType>(type: K, fields: EventFields<K>): DangoEventMap[K];
  /** Upload size limit in bytes. */
  readonly maxUploadBytes: number;
  /** When the platform opened (ms since epoch), for uptime. */
  readonly startedAt: number;
  /** The source types of this platform: built-ins plus `OpenOptions.connectors`. */
  readonly connectors: ConnectorRegistry;
  /** `.dango/.env` overlaid by `process.env`, read at open; connectors read secrets from it. */
  readonly env: Readonly<Record<string, string | undefined>>;
}
