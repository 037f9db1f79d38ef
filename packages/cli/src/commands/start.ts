import type { Command } from 'commander';
import type { CliIo } from '../io';
import { allowedHostOption, intOption, originOption, withProjectOption } from '../options';
import type { StartFlags } from './start-run';

/** `dango start`: the standalone server, until SIGINT/SIGTERM. */
export function registerStart(program: Command, io: CliIo): void {
  withProjectOption(program.command('start'))
    .description('serve the API, /ws, docs and proxies (default http://127.0.0.1:8800)')
    .option('--port <port>', 'port to listen on, 0 = any free port (default: platform.port, 8800)', intOption(0, 65535))
    .option('--host <host>', 'interface to bind (default: platform.host, 127.0.0.1)')
    .option('--no-watch', 'do not watch data/uploads and dbt/models for changes')
    .option('--no-schedules', "do not run the sources' cron schedules")
    .option('--allow-origin <origin>', 'a browser origin (e.g. https://app.example.com) that may call the API, with CORS, and open /ws; repeatable', originOption)
    .option('--allowed-host <host>', 'a Host name (e.g. data.example.com, .example.com with subdomains) the server answers besides loopback names and --host; others get 403 (DNS rebinding); repeatable', allowedHostOption)
    .action(async (opts: StartFlags) => (await import('./start-run')).runStart(opts, io));
}
