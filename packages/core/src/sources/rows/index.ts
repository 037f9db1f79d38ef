export { readCursorState, type CursorState } from './cursor-state';
export { stageRowTables, type RowLoad } from './row-load';
export type { RowColumn, RowTable, WriteDisposition } from './row-table';
export { holds, widenRowType } from './row-types';
export { announceSchemaChanges, readSchemaChanges, recordSchemaChanges, type RecordedSchemaChange, type SchemaChange } from './schema-changes';
export { csvField, type RowBatch, type RowData } from './staging';
