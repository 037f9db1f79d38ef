import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base';

// `lite` is a second entry (errors and project paths, no DuckDB) for clients of a running server such as the CLI.
export default defineConfig({ ...libraryBuild, entry: ['src/index.ts', 'src/lite.ts'] });
