import { de } from './de.ts'
import { en } from './en.ts'

export type MessageKey = keyof typeof de
export type Locale = 'de' | 'en'
export type Params = Record<string, string | number>

export const LOCALES: ReadonlyArray<{ code: Locale; label: string }> = [
  { code: 'de', label: 'Deutsch' },
  { code: 'en', label: 'English' },
]

const DICTIONARIES: Record<Locale, Record<MessageKey, string>> = { de, en }
const STORAGE_KEY = 'wissensnetz.sprache'

function storedLocale(): Locale {
  try {
    const value = localStorage.getItem(STORAGE_KEY)
    return value === 'en' ? 'en' : 'de'
  } catch {
    return 'de'
  }
}

/** The chosen language: German unless the user switched; remembered in this browser. */
class I18n {
  locale = $state<Locale>(storedLocale())

  constructor() {
    document.documentElement.lang = this.locale
  }

  /** A message in the current language; `{name}` placeholders are filled from params. */
  t = (key: MessageKey, params?: Params): string => {
    const text = DICTIONARIES[this.locale][key] ?? de[key] ?? key
    if (params === undefined) return text
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
  }

  /** Whether a key exists (codes from the node, such as failure reasons, may be newer than this dictionary). */
  has = (key: string): key is MessageKey => key in de

  /** For Intl formatting (dates, numbers). */
  get tag(): string {
    return this.locale === 'de' ? 'de-DE' : 'en-GB'
  }

  set(locale: Locale): void {
    this.locale = locale
    document.documentElement.lang = locale
    try {
      localStorage.setItem(STORAGE_KEY, locale)
    } catch {
      // private mode: the choice lasts for this page only
    }
  }
}

export const i18n = new I18n()
export const t = i18n.t
