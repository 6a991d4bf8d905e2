export * from './activity.schema.ts';
export { toActivity, writeActivities, listActivities, getActivity, groupActivitiesAfter, activityCreatedEvent, activityCursor, type WriteResult } from './activity.service.ts';
export { chatItem, CHAT_KINDS, ChatItemSchema, ChatImageSchema, ChatFileSchema, type ChatItem } from './chat-item.ts';
export { groupActivity, type GroupActivity } from './activity.stats.ts';
