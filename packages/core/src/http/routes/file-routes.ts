import { z } from 'zod';
import { DangoError } from '../../errors';
import { defineRoute } from '../route';
import { queryBoolean, sourceParams } from '../schemas/common';
import { csvFilesSchema, deleteResultSchema, uploadResultSchema } from '../schemas/source-schemas';

/** CSV file operations of file sources. */
export const fileRoutes = [
  defineRoute({
    method: 'POST',
    path: '/api/sources/{source_name}/upload-csv',
    operationId: 'uploadCsv',
    summary: 'Upload a CSV file to a source',
    description: 'Multipart form with a `file` field; streamed to disk, never held in memory.',
    tags: ['CSV Operations'],
    input: {
      params: sourceParams,
      query: z.object({ trigger_sync: queryBoolean(false).meta({ description: 'Trigger sync after upload (default: false)' }) }),
      file: 'file',
    },
    response: uploadResultSchema,
    errors: [400, 404, 409, 413, 415],
    handler: (platform, { params, query, file }) => {
      // The router always supplies the file for routes declaring `input.file`; this guards the type.
      if (!file) throw new DangoError('BAD_REQUEST', "Missing multipart field 'file'");
      return platform.uploadFile(params.source_name, file, { triggerSync: query.trigger_sync });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/sources/{source_name}/csv-files',
    operationId: 'listCsvFiles',
    summary: 'List CSV files for a source',
    tags: ['CSV Operations'],
    input: { params: sourceParams },
    response: csvFilesSchema,
    errors: [404],
    handler: (platform, { params }) => platform.listFiles(params.source_name),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/sources/{source_name}/csv-files',
    operationId: 'deleteCsvFile',
    summary: 'Delete a CSV file',
    description: "The path may be absolute or relative to the source directory; it must resolve inside it. The file's rows leave the warehouse in the background sync this starts.",
    tags: ['CSV Operations'],
    input: { params: sourceParams, query: z.object({ file_path: z.string().min(1, 'must not be empty').meta({ description: 'Full path to file to delete' }) }) },
    response: deleteResultSchema,
    errors: [400, 403, 404],
    handler: (platform, { params, query }) => platform.deleteFile(params.source_name, query.file_path),
  }),
];
