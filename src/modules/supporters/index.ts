export * from './supporters.schema.ts';
export { createSupporter, deleteSupporter, listSupporters, supportersOf } from './supporters.service.ts';
export { importSupporters } from './supporters.import.ts';
