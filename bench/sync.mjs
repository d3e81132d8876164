// Pushes N queued fund requests (default 500) to a running Haven as the outbox does — batches of 50,
// one round trip each — and prints the time, the round trips and the answers. Not a test: figures.
// Usage: node bench/sync.mjs BASE_URL [N]   (scripts/bench-sync runs it against a fresh server)
import { createHmac, randomBytes } from 'node:crypto';

const [base, n = '500'] = process.argv.slice(2);
const total = Number(n);
const BATCH = 50;

async function waitUp() {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('server did not start');
}

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

function code(secret) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const o = mac[19] & 0x0f;
  return ((mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000).toString().padStart(6, '0');
}

const form = (cookie, body) => ({
  method: 'POST',
  headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
  body,
});

function uuidv7() {
  const b = randomBytes(16);
  const ms = BigInt(Date.now());
  for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

await waitUp();
const login = await fetch(`${base}/api/sign_in`, {
  ...form('', 'username=officer&password=haven-demo-password&acknowledge=yes'),
  redirect: 'manual',
});
const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
const begin = await (await fetch(`${base}/api/totp_enrol_begin`, form(cookie, ''))).json();
await fetch(`${base}/api/totp_enrol_finish`, form(cookie, `code=${code(base32Decode(begin.secret))}`));

const today = new Date().toISOString().slice(0, 10);
const outbox = Array.from({ length: total }, (_, i) => {
  const id = uuidv7();
  return {
    kind: 'fund_request',
    id,
    body: {
      id, date: today, requester_name: `Bench Resident ${i}`, age: '40', sex: 'F',
      address: `${i} Bench St, Hanover Park`, telephone: '630 555 0100',
      reason: 'Benchmark record.', purpose: 'food', amount_requested: String(1 + (i % 20)),
    },
  };
});

const started = performance.now();
let trips = 0;
const outcomes = {};
for (let i = 0; i < outbox.length; i += BATCH) {
  const res = await fetch(`${base}/api/sync_push`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ records: outbox.slice(i, i + BATCH) }),
  });
  trips++;
  for (const a of await res.json()) outcomes[a.outcome] = (outcomes[a.outcome] ?? 0) + 1;
}
const seconds = (performance.now() - started) / 1000;
console.log('records  batch  round trips  seconds  records/s  answers');
console.log(
  `${String(total).padStart(7)}  ${String(BATCH).padStart(5)}  ${String(trips).padStart(11)}  ${seconds.toFixed(2).padStart(7)}  ${(total / seconds).toFixed(0).padStart(9)}  ${JSON.stringify(outcomes)}`,
);
