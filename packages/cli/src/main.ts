import { runCli } from './run-cli';

// Exit explicitly: a command is done when its promise settles, whatever handles a library left open.
const code = await runCli();
process.exit(code);
