export * from './community.schema.ts';
export * from './community.service.ts';
export { communityTemplates, communityTemplate, templateCanvas, CommunityTemplateSchema, type CommunityTemplate } from './templates.ts';
