import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the built dashboard (index.html and hashed assets/), served by @dango/core's mount. */
export const assetsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dist');
