/**
 * `@dango/core/lite`: the few helpers a client of a running server needs (errors, project paths,
 * loopback names), without DuckDB, the HTTP stack or the transform engine, so a CLI command that only
 * talks to a server starts in a fraction of the time an import of `@dango/core` takes.
 */
export { DangoError, ERROR_CODE_HEADER, errorMessage, isDangoError, isDangoErrorCode, type DangoErrorCode } from './errors';
export { findProjectRoot, projectPaths, resolveInProject, type ProjectPaths } from './config/paths';
export { isLoopbackHost } from './node/host-check';
