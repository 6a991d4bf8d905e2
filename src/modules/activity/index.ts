export * from './activity.schema.ts';
export { writeActivities, listActivities, getActivity, groupActivitiesAfter, activityCreatedEvent, activityCursor, type WriteResult } from './activity.service.ts';
