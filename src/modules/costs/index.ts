export * from './costs.schema.ts';
export { costTotals, createCost, deleteCost, listCosts } from './costs.service.ts';
export { importCosts } from './costs.import.ts';
