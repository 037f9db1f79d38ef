export { DangoPlatform, type OpenOptions } from './platform';
export { DangoError, HTTP_STATUS_BY_CODE, ERROR_CODE_HEADER, isDangoError, isDangoErrorCode, errorMessage, type DangoErrorCode } from './errors';
export * from './events';
export { EventBus, type DangoEventName, type DangoEventOf, type DangoEventSource, type DangoListener, type Unsubscribe } from './event-bus';
export * from './config';
export type { PlatformContext, EventFields } from './context';
export { ActivityLog, type LogEntry } from './logs';
export * from './sources/types';
export { resolveSyncOptions } from './sources/sync-options';
export {
  defineConnector, SourceFileError, type Connector, type ConnectorDefinition, type ConnectorContext, type CheckContext, type CheckResult,
  type PreparedLoad, type LoadOutcome, type RawTable, type ResolvedSyncOptions, type FileSourceAccess,
} from './sources/connectors/connector';
export { BUILTIN_CONNECTORS, type ConnectorRegistry } from './sources/connectors/registry';
export { defineFileConnector, type FileConnectorDefinition } from './sources/file-connector';
export type { FileReader } from './sources/file-load';
export type { FileDescription } from './sources/file-plan';
export { readSecret, REDACTED } from './sources/secrets';
export type { SourceCheck } from './sources/source-check';
export * from './transform/types';
export { parseDbtVars, type DbtVars } from './transform/dbt-vars';
export type { CommandRun, DbtCommandName, StartedCommand } from './command-runs';
export * from './health/types';
export { DEFAULT_HEALTH_THRESHOLDS, type HealthThresholds } from './health/thresholds';
export type { HealthOptions } from './health/health-service';
export type { DiskFigures } from './health/disk-health';
export { createWsHub, type WsHub, type WsHubOptions } from './realtime';
export { createProxy, type Proxy, type ProxyOptions } from './node/proxy';
export { createMount, type MountOptions, type DangoMount } from './node/mount';
export { createNodeListener, type NodeListener } from './node/node-listener';
export { bearerTokenAuthorizer, tokenLogin, TOKEN_COOKIE } from './node/bearer-token';
export { ROUTES } from './http/routes';
export type { RouteDef, RouteInput, AnyRoute } from './http/route';
export { buildOpenApiDocument, type OpenApiOptions } from './http/openapi';
export { Warehouse, listTables, listColumns, listSchemas, quoteIdent, type TableInfo, type WarehouseConnection } from './warehouse';
export { isLoopbackHost, type AllowedHosts } from './node/host-check';
export { installDbtPackages, installProjectPackages, type InstalledDependency, type DepsOptions } from './transform/deps/install-packages';
export type { CatalogTable, ColumnProfile, TablePreview } from './warehouse/catalog-reader';
export type { ModelDetails } from './transform/model-details';
