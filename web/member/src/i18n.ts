// zh-CN first, English beside it; the choice is remembered on the device.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './i18n/en.json';
import zhCN from './i18n/zh-CN.json';

export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];
const KEY = 'shequn.member.lang';

const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(KEY) : null;
const initial: Lang = saved === 'en' ? 'en' : 'zh-CN';

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: initial,
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false }, // React escapes; nothing is ever set as HTML
  returnNull: false,
});
document.documentElement.lang = initial;

export function setLang(lang: Lang) {
  localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang;
  void i18n.changeLanguage(lang);
}

export default i18n;
