export * from './authz';
