export { acknowledgeAlert, ALERT_KINDS, createAlertHook, deleteAlertHook, evaluateAlerts, listAlertHooks, listAlerts, notifyAlerts, signature, type Alert } from './alerts.service.ts';
