export * from './integration.schema.ts';
export { createPlan, listPlans, getPlan, updatePlan, deletePlan, carryOutPlan, archiveOldGroups, listMoves } from './integration.service.ts';
