export * from './group.schema.ts';
export * from './group.service.ts';
