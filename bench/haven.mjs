// What the benchmarks share: waiting for a fresh Haven, signing the demo officer in (password, then
// an authenticator app enrolled on the spot), and device-made request ids.
import { createHmac, randomBytes } from 'node:crypto';

/** Until BASE/healthz answers (every half second, `tries` times). */
export async function waitUp(base, tries = 240) {
  for (let i = 0; i < tries; i++) {
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

export const form = (cookie, body) => ({
  method: 'POST',
  headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
  body,
});

/** The demo officer's session cookie on a fresh server. */
export async function signInOfficer(base) {
  const login = await fetch(`${base}/api/sign_in`, {
    ...form('', 'username=officer&password=haven-demo-password&acknowledge=yes'),
    redirect: 'manual',
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const begin = await (await fetch(`${base}/api/totp_enrol_begin`, form(cookie, ''))).json();
  await fetch(`${base}/api/totp_enrol_finish`, form(cookie, `code=${code(base32Decode(begin.secret))}`));
  return cookie;
}

export function uuidv7() {
  const b = randomBytes(16);
  const ms = BigInt(Date.now());
  for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
