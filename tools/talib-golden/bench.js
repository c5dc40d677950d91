#!/usr/bin/env node
// Rate of the npm `talib` binding for the same 12 CDL functions TickStock reproduces, over N bars (default 1M).
//   cd tools/talib-golden && npm install && node bench.js [bars]
'use strict';
const talib = require('talib');

const n = Number(process.argv[2] || 1_000_000);
const FUNCTIONS = [
  ['CDLDOJI', {}], ['CDLHAMMER', {}], ['CDLHANGINGMAN', {}], ['CDLSHOOTINGSTAR', {}], ['CDLENGULFING', {}],
  ['CDLHARAMI', {}], ['CDLMORNINGSTAR', { optInPenetration: 0.3 }], ['CDLEVENINGSTAR', { optInPenetration: 0.3 }],
  ['CDL3WHITESOLDIERS', {}], ['CDL3BLACKCROWS', {}], ['CDLPIERCING', {}], ['CDLDARKCLOUDCOVER', { optInPenetration: 0.5 }],
];

// Same shape of data as the C# benchmark's synthetic bars (random walk, cents).
let seed = 42 >>> 0;
const rnd = () => { seed = (seed + 0x6d2b79f5) >>> 0; let t = seed; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const open = new Array(n), high = new Array(n), low = new Array(n), close = new Array(n);
let p = 100;
for (let i = 0; i < n; i++) {
  const u = p * 0.01;
  const o = p + (rnd() - 0.5) * 0.6 * u;
  const c = o + (rnd() - 0.5) * 2.4 * u;
  open[i] = Math.round(o * 100) / 100; close[i] = Math.round(c * 100) / 100;
  high[i] = Math.round((Math.max(o, c) + rnd() * 0.8 * u) * 100) / 100;
  low[i] = Math.round((Math.min(o, c) - rnd() * 0.8 * u) * 100) / 100;
  p = Math.min(500, Math.max(20, c));
}

function runAll() {
  let fired = 0;
  for (const [name, opts] of FUNCTIONS) {
    const r = talib.execute(Object.assign({ name, startIdx: 0, endIdx: n - 1, open, high, low, close }, opts));
    for (const v of r.result.outInteger) if (v !== 0) fired++;
  }
  return fired;
}

runAll(); // warm-up
const runs = 3;
const t0 = process.hrtime.bigint();
let fired = 0;
for (let k = 0; k < runs; k++) fired = runAll();
const seconds = Number(process.hrtime.bigint() - t0) / 1e9 / runs;
console.log(JSON.stringify({ bars: n, functions: FUNCTIONS.length, seconds: +seconds.toFixed(4), cdl_bars_per_sec: Math.round(n / seconds), fired }));
