export * from './group.schema.ts';
export * from './group.service.ts';
export { cloneGroup, renameGroupSet } from './group.replicate.ts';
