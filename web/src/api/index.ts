export * from './types';
export * from './errors';
export { configureApi, buildUrl } from './client';
export * from './endpoints';
