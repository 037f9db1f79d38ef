export * from './schemas';
export * from './source-options';
export * from './paths';
export * from './load-config';
export * from './init-project';
export * from './config-view';
export * from './env';
export * from './unknown-keys';
