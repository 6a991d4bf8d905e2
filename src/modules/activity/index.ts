export * from './activity.schema.ts';
export { writeActivities, listActivities, getActivity, type WriteResult } from './activity.service.ts';
