#!/usr/bin/env node
// Generates the TA-Lib golden files used by TickStock.Core.Tests (the C# suite never runs Node).
//
//   cd tools/talib-golden && npm install && node generate.js
//
// Inputs:  the real daily files copied to tests/TickStock.Core.Tests/TestData/*.csv
//          plus deterministic generated series (written to TestData/golden/gen_*.csv so the C#
//          side reads exactly the same numbers).
// Outputs: TestData/golden/<name>.cdl.csv  per bar, the 12 CDL values (empty = 0)
//          TestData/golden/<name>.ind.csv  per bar, indicator values (empty = no TA-Lib output)
'use strict';
const fs = require('fs');
const path = require('path');
const talib = require('talib');

const testData = path.resolve(__dirname, '../../tests/TickStock.Core.Tests/TestData');
const goldenDir = path.join(testData, 'golden');
fs.mkdirSync(goldenDir, { recursive: true });

// Order matters: the C# test reads the columns by header name, but keep it stable for diffs.
const CANDLES = [
  ['doji', 'CDLDOJI', {}],
  ['hammer', 'CDLHAMMER', {}],
  ['hangingman', 'CDLHANGINGMAN', {}],
  ['shootingstar', 'CDLSHOOTINGSTAR', {}],
  ['engulfing', 'CDLENGULFING', {}],
  ['harami', 'CDLHARAMI', {}],
  ['morningstar', 'CDLMORNINGSTAR', { optInPenetration: 0.3 }],
  ['eveningstar', 'CDLEVENINGSTAR', { optInPenetration: 0.3 }],
  ['threewhitesoldiers', 'CDL3WHITESOLDIERS', {}],
  ['threeblackcrows', 'CDL3BLACKCROWS', {}],
  ['piercing', 'CDLPIERCING', {}],
  ['darkcloudcover', 'CDLDARKCLOUDCOVER', { optInPenetration: 0.5 }],
];

// ---------------------------------------------------------------- input files
function readCsv(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim().length > 0);
  const header = lines[0].split(',').map((h) => h.trim().toLowerCase());
  const col = (n) => header.indexOf(n);
  const [io, ih, il, ic, iv] = ['open', 'high', 'low', 'close', 'volume'].map(col);
  const bars = { open: [], high: [], low: [], close: [], volume: [] };
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    bars.open.push(parseFloat(f[io]));
    bars.high.push(parseFloat(f[ih]));
    bars.low.push(parseFloat(f[il]));
    bars.close.push(parseFloat(f[ic]));
    bars.volume.push(parseFloat(f[iv]));
  }
  return bars;
}

// ---------------------------------------------------------------- generated series
// mulberry32: tiny deterministic PRNG, so the committed files can be regenerated bit for bit.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const cents = (x) => Math.round(x * 100) / 100;

// Series 1: random walk with planted pattern templates. Bodies and shadows are sized against the
// series' own typical candle (unit u = 1 % of price) because TA-Lib judges "long"/"short"/"near"
// against the averages of the previous bars.
function templateSeries(n, seed) {
  const r = rng(seed);
  const bars = { open: [], high: [], low: [], close: [], volume: [] };
  let p = 100;
  const push = (o, h, l, c) => {
    o = cents(o); c = cents(c);
    h = cents(Math.max(h, o, c)); l = cents(Math.min(l, o, c));
    bars.open.push(o); bars.high.push(h); bars.low.push(l); bars.close.push(c);
    bars.volume.push(Math.round(1e6 * (0.5 + r() * 1.5)));
    p = c;
  };
  const last = () => bars.open.length - 1;
  const normal = () => {
    const u = p * 0.01;
    const o = p + (r() - 0.5) * 0.6 * u;
    const c = o + (r() - 0.5) * 2.4 * u;
    push(o, Math.max(o, c) + r() * 0.8 * u, Math.min(o, c) - r() * 0.8 * u, c);
  };
  const templates = {
    doji() { const u = p * 0.01; push(p, p + (0.2 + r()) * u, p - (0.2 + r()) * u, p + (r() < 0.5 ? 0 : 0.01)); },
    hammer() {
      const u = p * 0.01; const j = last(); const low1 = bars.low[j];
      const top = low1 + (r() - 0.3) * 0.3 * u; const body = (0.1 + r() * 0.2) * u;
      const white = r() < 0.5;
      push(white ? top - body : top, top + r() * 0.05 * u, top - body - (1 + r()) * u, white ? top : top - body);
    },
    hangingman() {
      const u = p * 0.01; const j = last(); const high1 = bars.high[j];
      const bottom = high1 - (r() - 0.3) * 0.3 * u; const body = (0.1 + r() * 0.2) * u;
      const white = r() < 0.5;
      push(white ? bottom : bottom + body, bottom + body + r() * 0.05 * u, bottom - (1 + r()) * u, white ? bottom + body : bottom);
    },
    shootingstar() {
      const u = p * 0.01; const j = last(); const top1 = Math.max(bars.open[j], bars.close[j]);
      const bottom = top1 + (0.05 + r() * 0.3) * u; const body = (0.1 + r() * 0.2) * u;
      const white = r() < 0.5;
      push(white ? bottom : bottom + body, bottom + body + (1 + r()) * u, bottom - r() * 0.05 * u, white ? bottom + body : bottom);
    },
    engulfing() {
      const u = p * 0.01; const bull = r() < 0.5; const b1 = (0.2 + r() * 0.5) * u;
      const o1 = p; const c1 = bull ? o1 - b1 : o1 + b1;
      push(o1, Math.max(o1, c1) + r() * 0.3 * u, Math.min(o1, c1) - r() * 0.3 * u, c1);
      const ext = () => (r() < 0.25 ? 0 : (0.05 + r() * 0.5) * u); // 0 → the ±80 case
      const o2 = bull ? c1 - ext() : c1 + ext();
      const c2 = bull ? o1 + ext() + 0.01 : o1 - ext() - 0.01;
      push(o2, Math.max(o2, c2) + r() * 0.3 * u, Math.min(o2, c2) - r() * 0.3 * u, c2);
    },
    harami() {
      const u = p * 0.01; const bull = r() < 0.5; const b1 = (2 + r() * 1.5) * u;
      const o1 = p; const c1 = bull ? o1 - b1 : o1 + b1;
      push(o1, Math.max(o1, c1) + r() * 0.3 * u, Math.min(o1, c1) - r() * 0.3 * u, c1);
      const lo = Math.min(o1, c1); const b2 = (0.1 + r() * 0.4) * u;
      const start = r() < 0.2 ? lo : lo + (0.2 + r() * (b1 / u - 1)) * u; // sometimes matching one end (±80)
      const white2 = r() < 0.5;
      push(white2 ? start : start + b2, start + b2 + r() * 0.3 * u, start - r() * 0.3 * u, white2 ? start + b2 : start);
    },
    morningstar() {
      const u = p * 0.01; const b1 = (2.5 + r() * 1.5) * u;
      const o1 = p; const c1 = o1 - b1;
      push(o1, o1 + r() * 0.2 * u, c1 - r() * 0.2 * u, c1);
      const sTop = c1 - (0.05 + r() * 0.4) * u; const sb = r() * 0.3 * u;
      push(sTop - sb, sTop + r() * 0.3 * u, sTop - sb - r() * 0.3 * u, sTop);
      const o3 = sTop + r() * 0.3 * u; const c3 = c1 + (0.1 + r() * 0.9) * b1;
      push(o3, c3 + r() * 0.2 * u, o3 - r() * 0.2 * u, c3);
    },
    eveningstar() {
      const u = p * 0.01; const b1 = (2.5 + r() * 1.5) * u;
      const o1 = p; const c1 = o1 + b1;
      push(o1, c1 + r() * 0.2 * u, o1 - r() * 0.2 * u, c1);
      const sBot = c1 + (0.05 + r() * 0.4) * u; const sb = r() * 0.3 * u;
      push(sBot + sb, sBot + sb + r() * 0.3 * u, sBot - r() * 0.3 * u, sBot);
      const o3 = sBot - r() * 0.3 * u; const c3 = c1 - (0.1 + r() * 0.9) * b1;
      push(o3, o3 + r() * 0.2 * u, c3 - r() * 0.2 * u, c3);
    },
    threewhitesoldiers() {
      for (let k = 0; k < 3; k++) {
        const u = p * 0.01; const o = p - (r() * 0.6) * u; const b = (1 + r() * 1.2) * u;
        push(o, o + b + r() * 0.05 * u, o - r() * 0.4 * u, o + b);
      }
    },
    threeblackcrows() {
      let u = p * 0.01;
      push(p, p + 2 * u, p - 0.2 * u, p + 1.5 * u);
      for (let k = 0; k < 3; k++) {
        u = p * 0.01; const b = (1 + r() * 1.2) * u; const o = p + (0.05 + r() * 0.5) * Math.min(b, u);
        push(o, o + r() * 0.4 * u, o - b - r() * 0.05 * u, o - b);
      }
    },
    piercing() {
      const u = p * 0.01; const b1 = (2.5 + r() * 1.5) * u;
      const o1 = p; const c1 = o1 - b1; const l1 = c1 - r() * 0.3 * u;
      push(o1, o1 + r() * 0.3 * u, l1, c1);
      const o2 = l1 - (0.05 + r() * 0.5) * u; const c2 = c1 + (0.4 + r() * 0.55) * b1;
      push(o2, c2 + r() * 0.2 * u, o2 - r() * 0.2 * u, c2);
    },
    darkcloudcover() {
      const u = p * 0.01; const b1 = (2.5 + r() * 1.5) * u;
      const o1 = p; const c1 = o1 + b1; const h1 = c1 + r() * 0.3 * u;
      push(o1, h1, o1 - r() * 0.3 * u, c1);
      const o2 = h1 + (0.05 + r() * 0.5) * u; const c2 = c1 - (0.4 + r() * 0.55) * b1;
      push(o2, o2 + r() * 0.2 * u, c2 - r() * 0.2 * u, c2);
    },
  };
  const names = Object.keys(templates);
  while (bars.open.length < n) {
    if (r() < 0.6) normal();
    else templates[names[Math.floor(r() * names.length)]]();
    if (p < 20) p = 20; // keep prices in a sane band
  }
  return bars;
}

// Series 2: prices on a coarse tick grid, so equalities (open == close, equal opens/closes,
// shadows of exactly zero) are common — the tie-breaking edges of TA-Lib's comparisons.
function tieSeries(n, seed) {
  const r = rng(seed);
  const bars = { open: [], high: [], low: [], close: [], volume: [] };
  let center = 500; // in ticks of 0.05
  for (let i = 0; i < n; i++) {
    center += Math.floor(r() * 5) - 2;
    if (center < 100) center = 100;
    const o = center + Math.floor(r() * 9) - 4;
    const c = center + Math.floor(r() * 9) - 4;
    const h = Math.max(o, c) + (r() < 0.3 ? 0 : Math.floor(r() * 5));
    const l = Math.min(o, c) - (r() < 0.3 ? 0 : Math.floor(r() * 5));
    bars.open.push(cents(o * 0.05)); bars.high.push(cents(h * 0.05));
    bars.low.push(cents(l * 0.05)); bars.close.push(cents(c * 0.05));
    bars.volume.push(1000 * (1 + Math.floor(r() * 50)));
  }
  center = 0;
  return bars;
}

function writeInput(name, bars) {
  const d0 = Date.UTC(2000, 0, 3);
  const out = ['date,open,high,low,close,volume'];
  let day = 0;
  for (let i = 0; i < bars.open.length; i++) {
    // weekdays only, so weekly roll-ups in C# see 5-bar weeks
    while ([0, 6].includes(new Date(d0 + day * 86400000).getUTCDay())) day++;
    const date = new Date(d0 + day * 86400000).toISOString().slice(0, 10);
    out.push([date, bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]].join(','));
    day++;
  }
  fs.writeFileSync(path.join(goldenDir, name + '.csv'), out.join('\n') + '\n');
}

// ---------------------------------------------------------------- TA-Lib calls
function run(name, bars, opts, output) {
  const n = bars.open.length;
  const res = talib.execute(Object.assign({
    name, startIdx: 0, endIdx: n - 1,
    open: bars.open, high: bars.high, low: bars.low, close: bars.close, volume: bars.volume,
    inReal: bars.close,
  }, opts));
  if (res.error) throw new Error(name + ': ' + res.error);
  const full = new Array(n).fill(null);
  const values = res.result[output];
  for (let k = 0; k < values.length; k++) full[res.begIndex + k] = values[k];
  return full;
}

function writeCandles(name, bars) {
  const n = bars.open.length;
  const cols = CANDLES.map(([, fn, opts]) => run(fn, bars, opts, 'outInteger'));
  const out = ['i,' + CANDLES.map(([c]) => c).join(',')];
  const counts = {};
  for (let i = 0; i < n; i++) {
    out.push(i + ',' + cols.map((c, k) => {
      const v = c[i] || 0;
      if (v !== 0) counts[CANDLES[k][0]] = (counts[CANDLES[k][0]] || 0) + 1;
      return v === 0 ? '' : String(v);
    }).join(','));
  }
  fs.writeFileSync(path.join(goldenDir, name + '.cdl.csv'), out.join('\n') + '\n');
  return counts;
}

const INDICATORS = [
  ['sma20', 'SMA', { optInTimePeriod: 20 }, 'outReal'],
  ['sma50', 'SMA', { optInTimePeriod: 50 }, 'outReal'],
  ['sma200', 'SMA', { optInTimePeriod: 200 }, 'outReal'],
  ['ema12', 'EMA', { optInTimePeriod: 12 }, 'outReal'],
  ['ema26', 'EMA', { optInTimePeriod: 26 }, 'outReal'],
  ['macd', 'MACD', { optInFastPeriod: 12, optInSlowPeriod: 26, optInSignalPeriod: 9 }, 'outMACD'],
  ['macdsignal', 'MACD', { optInFastPeriod: 12, optInSlowPeriod: 26, optInSignalPeriod: 9 }, 'outMACDSignal'],
  ['macdhist', 'MACD', { optInFastPeriod: 12, optInSlowPeriod: 26, optInSignalPeriod: 9 }, 'outMACDHist'],
  ['bbupper', 'BBANDS', { optInTimePeriod: 20, optInNbDevUp: 2, optInNbDevDn: 2, optInMAType: 0 }, 'outRealUpperBand'],
  ['bbmiddle', 'BBANDS', { optInTimePeriod: 20, optInNbDevUp: 2, optInNbDevDn: 2, optInMAType: 0 }, 'outRealMiddleBand'],
  ['bblower', 'BBANDS', { optInTimePeriod: 20, optInNbDevUp: 2, optInNbDevDn: 2, optInMAType: 0 }, 'outRealLowerBand'],
  ['rsi14', 'RSI', { optInTimePeriod: 14 }, 'outReal'],
  ['atr14', 'ATR', { optInTimePeriod: 14 }, 'outReal'],
  ['adx14', 'ADX', { optInTimePeriod: 14 }, 'outReal'],
  ['stochk', 'STOCH', { optInFastK_Period: 14, optInSlowK_Period: 3, optInSlowK_MAType: 0, optInSlowD_Period: 3, optInSlowD_MAType: 0 }, 'outSlowK'],
  ['stochd', 'STOCH', { optInFastK_Period: 14, optInSlowK_Period: 3, optInSlowK_MAType: 0, optInSlowD_Period: 3, optInSlowD_MAType: 0 }, 'outSlowD'],
  ['obv', 'OBV', {}, 'outReal'],
];

function writeIndicators(name, bars, limit = Infinity) {
  const n = bars.open.length;
  const cols = INDICATORS.map(([, fn, opts, out]) => run(fn, bars, opts, out));
  const out = ['i,' + INDICATORS.map(([c]) => c).join(',')];
  for (let i = 0; i < n; i++) {
    // 11 significant digits: far finer than the 1e-6 tolerance, and keeps the files small.
    if (i >= limit) break;
    out.push(i + ',' + cols.map((c) => (c[i] === null ? '' : String(Number(c[i].toPrecision(11))))).join(','));
  }
  fs.writeFileSync(path.join(goldenDir, name + '.ind.csv'), out.join('\n') + '\n');
}

// ---------------------------------------------------------------- main
const real = ['AAPL', 'SPY', 'MSFT', 'TSLA_2017-2018'];
// Indicator goldens are large; the candle files cover every input, indicators a representative set.
const INDICATOR_FILES = ['SPY', 'TSLA_2017-2018'];
const generated = {
  gen_templates: templateSeries(6000, 20240601),
  gen_ties: tieSeries(6000, 7),
};
for (const [name, bars] of Object.entries(generated)) writeInput(name, bars);

const total = {};
const add = (counts) => { for (const [k, v] of Object.entries(counts)) total[k] = (total[k] || 0) + v; };
const summary = [];
for (const name of real) {
  const bars = readCsv(path.join(testData, name + '.csv'));
  const c = writeCandles(name, bars); add(c);
  if (INDICATOR_FILES.includes(name)) writeIndicators(name, bars);
  summary.push([name, bars.open.length, c]);
}
const genTotal = {};
for (const [name, bars] of Object.entries(generated)) {
  // re-read what was written so both sides see the same decimal text
  const reread = readCsv(path.join(goldenDir, name + '.csv'));
  const c = writeCandles(name, reread); add(c);
  for (const [k, v] of Object.entries(c)) genTotal[k] = (genTotal[k] || 0) + v;
  writeIndicators(name, reread, 3000);
  summary.push([name, reread.open.length, c]);
}
for (const [name, n, c] of summary) console.log(name, n, JSON.stringify(c));
console.log('total', JSON.stringify(total));
const thin = CANDLES.map(([c]) => c).filter((c) => (genTotal[c] || 0) < 10);
if (thin.length > 0) {
  console.error('generated series fire fewer than 10 times for: ' + thin.join(', '));
  process.exit(1);
}
