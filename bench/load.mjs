// Server load (issue 8): fund-request submissions per second and their latency (p50, p99) at 1, 16
// and 64 concurrent clients against a running Haven, and the server's memory (RSS) idle and under
// load. Not a test: figures. Every submission is a whole filing: the shared rules, the sealed
// fields, the keyed content hash, the durable insert and its audit event.
// Usage: node bench/load.mjs BASE_URL SERVER_PID [SECONDS_PER_LEVEL]   (scripts/bench-load runs it)
import { signInOfficer, uuidv7, waitUp } from './haven.mjs';
import { readFileSync } from 'node:fs';

const [base, pid, secs = '10'] = process.argv.slice(2);
const SECONDS = Number(secs);
const LEVELS = [1, 16, 64];

function rssMiB() {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return NaN;
  }
}

await waitUp(base, 600);
await new Promise((r) => setTimeout(r, 2000));
const idle = rssMiB();
// One officer's session for every client (sessions live in the database; a phone per client
// would only add sign-ins, which are rate-limited on purpose).
const cookie = await signInOfficer(base);

const today = new Date().toISOString().slice(0, 10);
let n = 0;
async function submitOne() {
  const id = uuidv7();
  const i = n++;
  const draft = {
    id, date: today, requester_name: `Load Resident ${i}`, age: '40', sex: 'F',
    address: `${i} Load St, Hanover Park`, telephone: '630 555 0100',
    reason: 'Load benchmark record.', purpose: 'food', amount_requested: String(1 + (i % 20)),
  };
  const t = performance.now();
  const res = await fetch(`${base}/api/submit_request`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ draft }),
  });
  await res.arrayBuffer();
  return { ms: performance.now() - t, ok: res.ok };
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
console.log(`server RSS idle: ${idle.toFixed(1)} MiB`);
console.log('clients  seconds  submitted  failed  per second   p50 ms   p99 ms  RSS MiB');
for (const clients of LEVELS) {
  const latencies = [];
  let failed = 0;
  let peak = 0;
  const until = performance.now() + SECONDS * 1000;
  const started = performance.now();
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB())), 250);
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const r = await submitOne();
        latencies.push(r.ms);
        if (!r.ok) failed++;
      }
    }),
  );
  clearInterval(sampler);
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  console.log(
    `${String(clients).padStart(7)}  ${elapsed.toFixed(1).padStart(7)}  ${String(latencies.length).padStart(9)}  ${String(failed).padStart(6)}  ${(latencies.length / elapsed).toFixed(0).padStart(10)}  ${pct(latencies, 50).toFixed(1).padStart(7)}  ${pct(latencies, 99).toFixed(1).padStart(7)}  ${peak.toFixed(1).padStart(7)}`,
  );
}
