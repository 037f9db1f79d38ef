import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, seg, type CatalogTable, type ColumnProfile, type ConfigView, type FilesListing, type HealthReport, type LogEntry, type ModelDetails, type ModelInfo, type SourceDetails, type SourceSummary, type StatusReport, type TablePreview } from './api';

// Live events refresh these; the intervals only cover a lost connection and slow-changing figures.
/** `GET /api/config`. */
export const useConfig = () => useQuery({ queryKey: ['config'], queryFn: () => api<ConfigView>('config'), staleTime: 60_000 });
/** `GET /api/status`. */
export const useStatus = () => useQuery({ queryKey: ['status'], queryFn: () => api<StatusReport>('status'), refetchInterval: 30_000 });
/** `GET /api/health/platform`. */
export const useHealth = () => useQuery({ queryKey: ['health'], queryFn: () => api<HealthReport>('health/platform'), refetchInterval: 60_000 });
/** `GET /api/sources`. */
export const useSources = () => useQuery({ queryKey: ['sources'], queryFn: () => api<SourceSummary[]>('sources') });
/** `GET /api/sources/{name}/details`. */
export const useSource = (name: string) => useQuery({ queryKey: ['source', name], queryFn: () => api<SourceDetails>(`sources/${seg(name)}/details`) });
/** `GET /api/sources/{name}/logs`. */
export const useSourceLogs = (name: string) => useQuery({ queryKey: ['logs', 'source', name], queryFn: () => api<LogEntry[]>(`sources/${seg(name)}/logs?limit=50`) });
/** `GET /api/sources/{name}/csv-files`; only asked for file sources. */
export const useFiles = (name: string, enabled: boolean) =>
  useQuery({ queryKey: ['files', name], queryFn: () => api<FilesListing>(`sources/${seg(name)}/csv-files`), enabled });
/** `GET /api/dbt/models`. */
export const useModels = () => useQuery({ queryKey: ['models'], queryFn: () => api<{ models: ModelInfo[] }>('dbt/models').then((r) => r.models) });
/** `GET /api/dbt/models/{name}/details`. */
export const useModel = (name: string) => useQuery({ queryKey: ['model', name], queryFn: () => api<ModelDetails>(`dbt/models/${seg(name)}/details`) });
/** `GET /api/logs`: the newest lines; filtering happens in the page. */
export const useLogs = (limit = 5000) => useQuery({ queryKey: ['logs', 'all', limit], queryFn: () => api<LogEntry[]>(`logs?limit=${limit}`) });
/** `GET /api/catalog/tables`. */
export const useCatalog = () => useQuery({ queryKey: ['catalog', 'tables'], queryFn: () => api<{ tables: CatalogTable[] }>('catalog/tables').then((r) => r.tables) });
/** `GET /api/catalog/tables/{schema}/{table}/preview`. */
export const usePreview = (schema: string, table: string) =>
  useQuery({ queryKey: ['catalog', 'preview', schema, table], queryFn: () => api<TablePreview>(`catalog/tables/${seg(schema)}/${seg(table)}/preview?limit=50`) });
/** `GET /api/catalog/tables/{schema}/{table}/columns/{column}/profile`, computed on demand. */
export const useProfile = (schema: string, table: string, column: string | null) =>
  useQuery({
    queryKey: ['catalog', 'profile', schema, table, column],
    queryFn: () => api<ColumnProfile>(`catalog/tables/${seg(schema)}/${seg(table)}/columns/${seg(column ?? '')}/profile`),
    enabled: column !== null,
  });

/** Starts a sync (`POST .../sync`); the status then changes through `/ws`. */
export function useSyncSource() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (v: { name: string; full_refresh?: boolean; start_date?: string | null; end_date?: string | null }) =>
      api<{ message: string }>(`sources/${seg(v.name)}/sync`, { method: 'POST', json: { full_refresh: v.full_refresh ?? false, start_date: v.start_date ?? null, end_date: v.end_date ?? null } }),
    onSettled: () => client.invalidateQueries({ queryKey: ['sources'] }),
  });
}

/** Starts a model run (`POST .../run?cascade=`). */
export function useRunModel() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (v: { name: string; cascade: boolean }) => api<{ message: string }>(`dbt/models/${seg(v.name)}/run?cascade=${v.cascade}`, { method: 'POST' }),
    onSettled: () => client.invalidateQueries({ queryKey: ['models'] }),
  });
}

/** Deletes a file of a file source. */
export function useDeleteFile() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (v: { source: string; path: string }) => api<{ message: string }>(`sources/${seg(v.source)}/csv-files?file_path=${encodeURIComponent(v.path)}`, { method: 'DELETE' }),
    onSettled: () => client.invalidateQueries({ queryKey: ['files'] }),
  });
}
