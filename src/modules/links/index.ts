export * from './links.schema.ts';
export { CODE_PATTERN, createLink, isFetcher, linkStats, listLinks, recordClick } from './links.service.ts';
