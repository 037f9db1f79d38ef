export * from './warehouse';
export * from './introspection';
export * from './sql';
export * from './write-queue';
export * from './duckdb-settings';
export type { ReaderPoolStats } from './reader-pool';
export * from './generation-cache';
export * from './platform-relations';
