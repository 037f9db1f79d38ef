export * from './text-files';
export * from './json-lines';
