export * from './plan.schema.ts';
export { createPlan, deletePlan, getPlan, listPlans, planTemplates, setActuals, updatePlan } from './plan.service.ts';
export { tracking } from './plan.tracking.ts';
export { importActuals } from './plan.import.ts';
export { METRICS, PLAN_TEMPLATES, type PlanContent } from './plan.template.ts';
