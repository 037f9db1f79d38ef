export { createProgram, cliVersion } from './program';
export { runCli } from './run-cli';
export { processIo, CliExit, type CliIo } from './io';
export { readServerFile, type ServerInfo } from './server-file';
export { detectServer } from './detect-server';
export { ApiClient } from './api-client';
