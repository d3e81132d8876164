// Pushes N queued fund requests (default 500) to a running Haven as the outbox does — batches of 50,
// one round trip each — and prints the time, the round trips and the answers. Not a test: figures.
// Usage: node bench/sync.mjs BASE_URL [N]   (scripts/bench-sync runs it against a fresh server)
import { signInOfficer, uuidv7, waitUp } from './haven.mjs';

const [base, n = '500'] = process.argv.slice(2);
const total = Number(n);
const BATCH = 50;

await waitUp(base);
const cookie = await signInOfficer(base);

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
