// zh-CN first, English beside it; the choice is remembered on the device (one key per app).
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** `messages`: each language's strings (the default `translation` namespace). */
export function initI18n(messages: Record<Lang, object>, storageKey: string): (lang: Lang) => void {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(storageKey) : null;
  const initial: Lang = saved === 'en' ? 'en' : 'zh-CN';
  void i18n.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: messages['zh-CN'] }, en: { translation: messages.en } },
    lng: initial,
    fallbackLng: 'zh-CN',
    interpolation: { escapeValue: false }, // React escapes; nothing is ever set as HTML
    returnNull: false,
  });
  document.documentElement.lang = initial;
  return (lang: Lang) => {
    localStorage.setItem(storageKey, lang);
    document.documentElement.lang = lang;
    void i18n.changeLanguage(lang);
  };
}

export default i18n;
