/**
 * Month names and abbreviations as invoices print them, per language. Words are kept without
 * accents and in lower case; text is folded the same way before it is looked up ("Août" → "aout").
 */
export const DATE_LANGUAGES = ["en", "de", "fr", "nl", "es", "it", "pt"] as const;
export type DateLanguage = (typeof DATE_LANGUAGES)[number];

/** Per language, per month (January first): every spelling that names it. */
const MONTH_WORDS: Record<DateLanguage, string[][]> = {
  en: [["january", "jan"], ["february", "feb"], ["march", "mar"], ["april", "apr"], ["may"], ["june", "jun"],
    ["july", "jul"], ["august", "aug"], ["september", "sep", "sept"], ["october", "oct"], ["november", "nov"], ["december", "dec"]],
  de: [["januar", "jan", "jaenner", "janner"], ["februar", "feb"], ["maerz", "marz", "mar", "mrz"], ["april", "apr"], ["mai"],
    ["juni", "jun"], ["juli", "jul"], ["august", "aug"], ["september", "sep", "sept"], ["oktober", "okt"], ["november", "nov"],
    ["dezember", "dez"]],
  fr: [["janvier", "janv", "jan"], ["fevrier", "fevr", "fev"], ["mars", "mar"], ["avril", "avr"], ["mai"], ["juin"],
    ["juillet", "juil"], ["aout"], ["septembre", "sept", "sep"], ["octobre", "oct"], ["novembre", "nov"], ["decembre", "dec"]],
  nl: [["januari", "jan"], ["februari", "feb"], ["maart", "mrt", "mar"], ["april", "apr"], ["mei"], ["juni", "jun"],
    ["juli", "jul"], ["augustus", "aug"], ["september", "sep", "sept"], ["oktober", "okt"], ["november", "nov"], ["december", "dec"]],
  es: [["enero", "ene"], ["febrero", "feb"], ["marzo", "mar"], ["abril", "abr"], ["mayo", "may"], ["junio", "jun"],
    ["julio", "jul"], ["agosto", "ago"], ["septiembre", "setiembre", "sep", "sept", "set"], ["octubre", "oct"], ["noviembre", "nov"],
    ["diciembre", "dic"]],
  it: [["gennaio", "gen"], ["febbraio", "feb"], ["marzo", "mar"], ["aprile", "apr"], ["maggio", "mag"], ["giugno", "giu"],
    ["luglio", "lug"], ["agosto", "ago"], ["settembre", "set", "sett"], ["ottobre", "ott"], ["novembre", "nov"], ["dicembre", "dic"]],
  pt: [["janeiro", "jan"], ["fevereiro", "fev"], ["marco", "mar"], ["abril", "abr"], ["maio", "mai"], ["junho", "jun"],
    ["julho", "jul"], ["agosto", "ago"], ["setembro", "set"], ["outubro", "out"], ["novembro", "nov"], ["dezembro", "dez"]],
};

/** Lower case without accents: the form month words are stored and looked up in. */
export const foldText = (text: string) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

const lookups = new Map<string, Map<string, number>>();

/** Word → month number (1-12) for the given languages (all when none are given). */
export function monthTable(languages: readonly DateLanguage[] = DATE_LANGUAGES): Map<string, number> {
  const key = [...languages].sort().join(",");
  let table = lookups.get(key);
  if (!table) {
    table = new Map();
    for (const language of languages) MONTH_WORDS[language].forEach((words, i) => words.forEach((w) => table!.set(w, i + 1)));
    lookups.set(key, table);
  }
  return table;
}

/** Regex source (folded, lower-case text) of one month word of the languages, longest first. */
export const monthWordSource = (languages?: readonly DateLanguage[]) =>
  `(?:${[...monthTable(languages).keys()].sort((a, b) => b.length - a.length).join("|")})`;

/**
 * Regex source matching a month word as printed (any case, accents kept), for finding a date
 * token in unfolded text next to a label: the folded words plus their accented spellings, never
 * the start of a longer word ("Mayor"); needs the `u` flag.
 */
export const PRINTED_MONTH_SOURCE = (() => {
  const accented = ["märz", "février", "févr", "fév", "août", "décembre", "março"];
  const words = [...monthTable().keys(), ...accented].sort((a, b) => b.length - a.length);
  return String.raw`(?:${words.join("|")})\.?(?![\p{L}])`;
})();
