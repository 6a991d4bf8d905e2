import en from './i18n/en.json';
import zhCN from './i18n/zh-CN.json';
import { initI18n } from '../../shared/i18n';

export { LANGS, type Lang } from '../../shared/i18n';
export const setLang = initI18n({ 'zh-CN': zhCN, en }, 'shequn.member.lang');
export { default } from '../../shared/i18n';
