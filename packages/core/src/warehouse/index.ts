export * from './warehouse';
export * from './introspection';
export * from './sql';
export * from './write-queue';
