import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerDocs } from './commands/docs';
import { registerInit } from './commands/init';
import { registerLogs } from './commands/logs';
import { registerStart } from './commands/start';
import { registerStatus } from './commands/status';
import { registerSource } from './commands/source';
import { registerSync } from './commands/sync';
import { registerTransformCommands } from './commands/transform';
import { processIo, type CliIo } from './io';

/** The CLI's version, read from its package.json (one level above both src/ and dist/). */
export function cliVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** The `dango` program with every command; failures throw (commander's exitOverride) instead of exiting. */
export function createProgram(io: CliIo = processIo()): Command {
  const program = new Command('dango')
    .description('Dango: sync data into DuckDB, transform it with dbt models, serve it over an API')
    .version(cliVersion())
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.write(s), writeErr: (s) => io.writeErr(s) });
  registerInit(program, io);
  registerSync(program, io);
  registerStatus(program, io);
  registerLogs(program, io);
  registerStart(program, io);
  registerTransformCommands(program, io);
  registerDocs(program, io);
  registerSource(program, io);
  return program;
}
