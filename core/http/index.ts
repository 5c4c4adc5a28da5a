export * from './route';
export * from './schemas';
export * from './openapi';
export * from './problem';
export * from './metrics';
export * from './app';
export * from './json-text';
export * from './http-server';
