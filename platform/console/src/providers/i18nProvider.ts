import polyglotI18nProvider from 'ra-i18n-polyglot';
import { enMessages } from '../i18n/en';
import { zhCNMessages } from '../i18n/zh-CN';
import type { Problem } from '../api/types';

export const DEFAULT_LOCALE = 'zh-CN';
const catalogues: Record<string, Record<string, unknown>> = { 'zh-CN': zhCNMessages, en: enMessages };

/** Chinese by default; English on request from the app bar's language switcher. */
export const i18nProvider = polyglotI18nProvider(
  (locale) => (catalogues[locale] ?? zhCNMessages) as any,
  DEFAULT_LOCALE,
  [
    { locale: 'zh-CN', name: '中文' },
    { locale: 'en', name: 'English' },
  ],
  { allowMissing: true },
);

function lookup(key: string): string | undefined {
  let node: unknown = catalogues[i18nProvider.getLocale()] ?? zhCNMessages;
  for (const part of key.split('.')) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/** The message to show for an API problem: our translation of its code when we have one, else the server's detail. */
export function translateProblem(p: Problem): string {
  if (p.code && lookup(`yiyun.errors.${p.code}`) !== undefined) {
    return i18nProvider.translate(`yiyun.errors.${p.code}`, { detail: p.detail ?? '' });
  }
  return p.detail || p.title || i18nProvider.translate('ra.notification.http_error');
}
