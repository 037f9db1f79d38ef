// Child process for sigkill.test.ts: opens the platform on a project and syncs one source, printing
// each progress step so the parent can kill it (SIGKILL) while the load is running.
import { DangoPlatform } from '../../src/platform';

const [projectDir, source] = process.argv.slice(2) as [string, string];
const platform = await DangoPlatform.open({ projectDir });
platform.on('sync_progress', (e) => process.stdout.write(`PROGRESS ${e.step} ${e.file ?? ''}\n`));
const result = await platform.sync(source);
process.stdout.write(`DONE ${result.status}\n`);
await platform.close();
