// Engagement (运营): tasks, points and badges the rules give; levels and the reward shop come later.
export * from './engagement.schema.ts';
export * from './engagement.service.ts';
