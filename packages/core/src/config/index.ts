export * from './schemas';
export * from './paths';
export * from './load-config';
export * from './init-project';
export * from './config-view';
