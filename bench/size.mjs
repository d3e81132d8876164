// Prints the bytes of the officer's form page as a phone gets them on first load.
// Usage: node bench/size.mjs BASE_URL PKG_DIR   (scripts/bench-size runs it)
import { readFileSync } from 'node:fs';
import { waitUp } from './haven.mjs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const [base, pkg] = process.argv.slice(2);

await waitUp(base);
const login = await fetch(`${base}/api/sign_in`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: 'username=officer&password=haven-demo-password&acknowledge=yes',
  redirect: 'manual',
});
const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
const page = await (await fetch(`${base}/requests/new`, { headers: { cookie } })).text();
const signIn = await (await fetch(`${base}/login`)).text();

const rows = [
  ['sign-in page HTML', Buffer.from(signIn)],
  ['form page HTML', Buffer.from(page)],
  ['haven.css', readFileSync(`${pkg}/haven.css`)],
  ['haven.js', readFileSync(`${pkg}/haven.js`)],
  ['haven_bg.wasm', readFileSync(`${pkg}/haven_bg.wasm`)],
];
const kib = (n) => (n / 1024).toFixed(1).padStart(8);
const sizes = (buf) => [
  buf.length,
  gzipSync(buf, { level: 9 }).length,
  brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
];
console.log(`${'file'.padEnd(22)}${'raw KiB'.padStart(8)}${'gzip'.padStart(8)}${'brotli'.padStart(8)}`);
const total = [0, 0, 0];
const jsWasm = [0, 0, 0];
for (const [name, buf] of rows) {
  const s = sizes(buf);
  s.forEach((v, i) => {
    if (name !== 'sign-in page HTML') total[i] += v;
    if (name.startsWith('haven.js') || name.endsWith('.wasm')) jsWasm[i] += v;
  });
  console.log(`${name.padEnd(22)}${kib(s[0])}${kib(s[1])}${kib(s[2])}`);
}
console.log(`${'JS + WASM'.padEnd(22)}${kib(jsWasm[0])}${kib(jsWasm[1])}${kib(jsWasm[2])}`);
console.log(`${'form page, all'.padEnd(22)}${kib(total[0])}${kib(total[1])}${kib(total[2])}`);
console.log(`budget: JS + WASM ≤ 120 KiB brotli → ${jsWasm[2] / 1024 <= 120 ? 'within' : 'OVER'}`);
