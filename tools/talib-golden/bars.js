#!/usr/bin/env node
// Deterministic daily bars for the candlestick benchmarks and for proving a detector change output-identical.
//   node bars.js N FILE.csv [--seed S] [--tick T]
// Random walk (mulberry32), bodies and shadows sized against 1 % of price, prices rounded to the tick (0.01 by
// default; a coarse tick such as 0.05 makes equal prices and threshold ties common). Columns are what `tickstock scan`
// and bench.js read: date,open,high,low,close,volume.
'use strict';
const fs = require('fs');

function generate(n, seed = 42, tick = 0.01) {
  let s = seed >>> 0;
  const rnd = () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const steps = Math.round(1 / tick);
  const round = (x) => Math.round(x * steps) / steps;
  const bars = { open: new Array(n), high: new Array(n), low: new Array(n), close: new Array(n), volume: new Array(n) };
  let p = 100;
  for (let i = 0; i < n; i++) {
    const u = p * 0.01;
    const o = p + (rnd() - 0.5) * 0.6 * u;
    const c = o + (rnd() - 0.5) * 2.4 * u;
    bars.open[i] = round(o); bars.close[i] = round(c);
    bars.high[i] = round(Math.max(o, c) + rnd() * 0.8 * u);
    bars.low[i] = round(Math.min(o, c) - rnd() * 0.8 * u);
    bars.volume[i] = Math.round(1e6 * (0.5 + rnd() * 1.5 + (rnd() < 0.01 ? 5 : 0)));
    p = Math.min(500, Math.max(20, c));
  }
  return bars;
}

// Reads the columns back (header names in any case and order), as plain arrays the way the talib binding takes them.
function read(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim().length > 0);
  const header = lines[0].split(',').map((h) => h.trim().toLowerCase());
  const names = ['open', 'high', 'low', 'close', 'volume'];
  const index = names.map((name) => header.indexOf(name));
  const bars = Object.fromEntries(names.map((name) => [name, new Array(lines.length - 1)]));
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i].split(',');
    names.forEach((name, k) => { bars[name][i - 1] = parseFloat(f[index[k]]); });
  }
  return bars;
}

function write(bars, file) {
  const day = 86_400_000;
  const start = Date.UTC(1900, 0, 1);
  const out = ['date,open,high,low,close,volume'];
  for (let i = 0; i < bars.open.length; i++) {
    const date = new Date(start + i * day).toISOString().slice(0, 10);
    out.push(`${date},${bars.open[i]},${bars.high[i]},${bars.low[i]},${bars.close[i]},${bars.volume[i]}`);
  }
  fs.writeFileSync(file, out.join('\n') + '\n');
}

module.exports = { generate, read };

if (require.main === module) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => { const k = args.indexOf(name); return k >= 0 ? Number(args[k + 1]) : fallback; };
  const [n, file] = args;
  if (!n || !file) { console.error('usage: node bars.js N FILE.csv [--seed S] [--tick T]'); process.exit(2); }
  write(generate(Number(n), option('--seed', 42), option('--tick', 0.01)), file);
}
