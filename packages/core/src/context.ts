import { projectPaths, type ProjectConfig, type ProjectPaths } from './config';
import { capEventText, errorMessage } from './errors';
import type { EventBus } from './event-bus';
import { nowIso, type DangoEventMap, type DangoEventType } from './events';
import type { ConnectorRegistry } from './sources/connectors/registry';
import { ActivityLog, logEntryForEvent } from './logs';
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
  /** The current config; `platform.reloadSources()` replaces its `sources` in place. */
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

/**
 * The context of a platform whose events go through `bus`: every event is stamped, capped and written
 * to the activity log; a failing listener is logged directly (never re-emitted, which could loop).
 */
export function createPlatformContext(
  config: ProjectConfig,
  warehouse: Warehouse,
  bus: EventBus,
  extra: Pick<PlatformContext, 'maxUploadBytes' | 'connectors' | 'env'>,
): PlatformContext {
  const paths = projectPaths(config.root);
  const log = new ActivityLog(paths.activityLog);
  bus.onListenerError = (on, err) =>
    log.append({ timestamp: nowIso(), level: 'ERROR', message: `A${on === 'event' ? 'n' : ''} ${on} listener failed: ${errorMessage(err)}`, type: 'log' });
  bus.on('event', (event) => {
    const entry = logEntryForEvent(event);
    if (entry) log.append(entry);
  });
  const emit = <K extends DangoEventType>(type: K, fields: EventFields<K>): DangoEventMap[K] => {
    const event = { ...capEventText(fields), type, timestamp: fields.timestamp ?? nowIso() } as unknown as DangoEventMap[K];
    bus.emit(event);
    return event;
  };
  return { root: config.root, paths, config, warehouse, log, events: bus, emit, startedAt: Date.now(), ...extra };
}
