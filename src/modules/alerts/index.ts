export { acknowledgeAlert, createAlertHook, deleteAlertHook, evaluateAlerts, listAlertHooks, listAlerts, notifyAlerts, signature, type Alert } from './alerts.service.ts';
export { ALERT_KINDS, AlertHookSchema, AlertSchema, type AlertKind } from './alerts.schema.ts';
