export * from './community.schema.ts';
export * from './community.service.ts';
