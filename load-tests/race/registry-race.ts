import {
  api,
  listedCount,
  loggedEvents,
  pushPrices,
  type Reply,
  rebuild,
  settle,
  shardTotals,
  startCounting,
} from "./race-api";

/**
 * Races registry writes against each other and against facts, from outside, on a running fabric
 * (`PORT=8796 PERSIST_TO=/dev/shm/race npm run dev`, then
 * `BASE=http://127.0.0.1:8796 PERSIST_TO=/dev/shm/race npx tsx load-tests/race/registry-race.ts`).
 * After each round every view of each monitor must agree: GET, the listing, the event log, the
 * shard index (probe facts match exactly the version in force), backtest; then a rebuild must
 * leave every read as it was. Prints each broken invariant and exits 1 if there was any.
 */
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const N = Number(process.env.N ?? 6);
const problems: string[] = [];
const symbolsOf = new Map<string, Set<string>>();
const accepted = new Map<string, Set<number>>();

function check(ok: boolean, what: string): void {
  if (!ok) problems.push(what);
}

function body(id: string, symbol: string, extra: Record<string, unknown> = {}) {
  symbolsOf.set(id, (symbolsOf.get(id) ?? new Set()).add(symbol));
  return {
    workflowId: `wf-${id}`,
    ownerUserId: "u-race",
    predicate: { stream: { kind: "market_price", subject: { symbol } }, field: "price", op: "gt", value: 100 },
    fire: { mode: "level", cooldownMs: 0 },
    ...extra,
  };
}

/** Every 2xx write's version, to check that the log holds each one (nothing accepted is lost). */
function note(id: string, replies: Reply[]): Reply[] {
  for (const r of replies) {
    if (r.status < 300 && typeof r.json.version === "number")
      accepted.set(id, (accepted.get(id) ?? new Set()).add(r.json.version));
  }
  return replies;
}

const put = (id: string, b: unknown) => api("PUT", `/v1/monitors/${id}`, b);
const del = (id: string) => api("DELETE", `/v1/monitors/${id}`);
const count = (rs: Reply[], status: number) => rs.filter((r) => r.status === status).length;

async function concurrentPuts(id: string): Promise<void> {
  const rs = note(id, await Promise.all(Array.from({ length: N }, (_, i) => put(id, body(id, `${id}-s${i}`)))));
  const versions = rs.map((r) => r.json.version).sort();
  check(count(rs, 201) === 1 && count(rs, 200) === N - 1, `${id}: ${rs.map((r) => r.status)} (one 201, rest 200)`);
  check(new Set(versions).size === N, `${id}: versions ${versions} are not ${N} distinct`);
}

async function conditionalPuts(id: string): Promise<void> {
  const create = note(
    id,
    await Promise.all(Array.from({ length: N }, (_, i) => put(id, { ...body(id, `${id}-c${i}`), expectedVersion: 0 }))),
  );
  check(count(create, 201) === 1 && count(create, 412) === N - 1, `${id}: create-only ${create.map((r) => r.status)}`);
  const rs = note(
    id,
    await Promise.all(Array.from({ length: N }, (_, i) => put(id, { ...body(id, `${id}-u${i}`), expectedVersion: 1 }))),
  );
  check(count(rs, 200) === 1 && count(rs, 412) === N - 1, `${id}: expectedVersion 1 ${rs.map((r) => r.status)}`);
  const stale = rs.filter((r) => r.status === 412).map((r) => r.json.currentVersion);
  check(
    stale.every((v) => v === 2),
    `${id}: 412s say currentVersion ${stale}, not 2`,
  );
}

async function retriedPut(id: string): Promise<void> {
  const b = { ...body(id, `${id}-s`), expectedVersion: 0 };
  const rs = note(id, await Promise.all(Array.from({ length: N }, () => put(id, b))));
  check(
    count(rs, 201) === 1 && rs.every((r) => r.json.version === 1),
    `${id}: same PUT ${rs.map((r) => `${r.status}/v${r.json.version}`)}`,
  );
  const again = await put(id, b);
  check(
    again.status === 200 && again.json.version === 1,
    `${id}: retry after success ${again.status}/v${again.json.version}`,
  );
}

async function putVsDelete(id: string): Promise<void> {
  note(id, [await put(id, body(id, `${id}-a`))]);
  const rs = note(id, await Promise.all([put(id, body(id, `${id}-b`)), del(id)]));
  check(rs[0]?.status === 200 || rs[0]?.status === 201, `${id}: PUT racing DELETE ${rs[0]?.status}`);
  check(rs[1]?.status === 204, `${id}: DELETE racing PUT ${rs[1]?.status}`);
}

/** N conditional DELETEs and a conditional PUT of one version: the PUT wins, or the DELETEs do. */
async function conditionalDelete(id: string): Promise<void> {
  note(id, [await put(id, body(id, `${id}-a`))]);
  const [p, ...ds] = note(
    id,
    await Promise.all([
      put(id, { ...body(id, `${id}-b`), expectedVersion: 1 }),
      ...Array.from({ length: N }, () => api("DELETE", `/v1/monitors/${id}?expectedVersion=1`)),
    ]),
  );
  const deleted = ds.map((d) => d.status);
  const ok = p?.status === 200 ? deleted.every((s) => s === 412) : p?.status === 412 && deleted.every((s) => s === 204);
  check(ok, `${id}: conditional PUT ${p?.status} vs conditional DELETEs ${deleted}`);
}

async function deleteTwice(id: string): Promise<void> {
  note(id, [await put(id, body(id, `${id}-a`))]);
  const rs = await Promise.all([del(id), del(id)]);
  check(
    rs.every((r) => r.status === 204),
    `${id}: DELETE twice ${rs.map((r) => r.status)}`,
  );
}

/** Re-create racing a matching fact: the fact may match the new version, never the removed one. */
async function recreateVsFact(id: string): Promise<void> {
  const symbol = `${id}-s`;
  note(id, [await put(id, body(id, symbol))]);
  await pushPrices({ [symbol]: 150 });
  await settle();
  check((await matchesOf(id)).length === 1, `${id}: no match before the delete`);
  check((await del(id)).status === 204, `${id}: delete`);
  const [re] = note(
    id,
    (await Promise.all([put(id, body(id, symbol)), pushPrices({ [symbol]: 160 })])).slice(0, 1) as Reply[],
  );
  check(re?.status === 201 && re.json.version === 3, `${id}: re-create ${re?.status}/v${re?.json.version}`);
  await settle();
  const versions = (await matchesOf(id)).map((m) => m.monitorVersion);
  check(versions.filter((v) => v !== 1 && v !== 3).length === 0, `${id}: a match of a removed version ${versions}`);
}

async function disableVsUpdate(id: string): Promise<void> {
  note(id, [await put(id, body(id, `${id}-a`))]);
  note(id, await Promise.all([put(id, body(id, `${id}-a`, { enabled: false })), put(id, body(id, `${id}-b`))]));
  note(
    id,
    await Promise.all([
      put(id, body(id, `${id}-b`, { enabled: true })),
      put(id, body(id, `${id}-c`, { enabled: false })),
    ]),
  );
}

/**
 * An update moving expiresAt on races facts at and just before the old expiresAt (event time):
 * the fact at the boundary may match only the version that moved it, never the one it ends.
 */
async function expiryVsFact(id: string): Promise<void> {
  const t = Date.now() + 3_600_000;
  const [a, b] = [`${id}-a`, `${id}-b`];
  note(id, [await put(id, body(id, a, { expiresAt: t }))]);
  const [moved] = await Promise.all([
    put(id, body(id, a, { expiresAt: t + 60_000 })),
    pushPrices({ [a]: 150 }, t - 1),
    pushPrices({ [b]: 150 }, t - 1),
  ]);
  note(id, [moved]);
  const atBoundary = await pushPrices({ [a]: 160 }, t);
  await settle();
  const ms = await matchesOf(id);
  const bad = ms.filter((m) => m.eventId === atBoundary[0] && m.monitorVersion !== 2);
  check(bad.length === 0, `${id}: the fact at expiresAt matched v${bad.map((m) => m.monitorVersion)}`);
  check(
    ms.some((m) => m.eventId === atBoundary[0]),
    `${id}: the fact at the old expiresAt did not match v2`,
  );
  const late = await pushPrices({ [a]: 170 }, t + 60_000);
  await settle();
  check(!(await matchesOf(id)).some((m) => m.eventId === late[0]), `${id}: a fact at the new expiresAt matched`);
}

type Match = { matchId: string; monitorVersion: number; eventId: string };
async function matchesOf(id: string): Promise<Match[]> {
  return ((await api("GET", `/v1/monitors/${id}/matches?limit=1000`)).json.matches ?? []) as Match[];
}

/** Every view of a monitor agrees, and probe facts match exactly its version in force. */
async function agree(id: string): Promise<void> {
  const got = await api("GET", `/v1/monitors/${id}`);
  const listed = ((await api("GET", `/v1/monitors?workflowId=wf-${id}`)).json.monitors ?? []) as Record<
    string,
    unknown
  >[];
  const log = loggedEvents(id);
  const live = got.status === 200 ? got.json : undefined;
  check(JSON.stringify(listed) === JSON.stringify(live ? [live] : []), `${id}: listing ≠ GET`);
  if (log) {
    check(
      log.every((e, i) => e.version === i + 1),
      `${id}: log versions ${log.map((e) => e.version)} not 1..n`,
    );
    for (const v of accepted.get(id) ?? [])
      check(
        log.some((e) => e.version === v),
        `${id}: accepted v${v} not in the log`,
      );
    const last = log.at(-1);
    check((last?.type === "monitor_removed") === !live, `${id}: log ends ${last?.type}, GET ${got.status}`);
    if (live) check(last?.version === live.version, `${id}: log at v${last?.version}, GET v${live.version}`);
  }
  // The expiry round's streams are ahead in event time: a probe there is stale and matches nothing.
  if (id.startsWith("expiryVsFact")) return;
  const symbols = [...(symbolsOf.get(id) ?? [])];
  const before = new Set((await matchesOf(id)).map((m) => m.matchId));
  const ids = await pushPrices(Object.fromEntries(symbols.map((s) => [s, 150])));
  await settle();
  const fresh = (await matchesOf(id)).filter((m) => !before.has(m.matchId));
  const def = live as
    | { version: number; enabled: boolean; predicate: { stream: { subject: { symbol: string } } } }
    | undefined;
  const expected = def?.enabled ? [ids[symbols.indexOf(def.predicate.stream.subject.symbol)]] : [];
  check(
    JSON.stringify(fresh.map((m) => m.eventId)) === JSON.stringify(expected),
    `${id}: probe matched ${fresh.map((m) => m.matchId)}, expected ${expected}`,
  );
  check(
    fresh.every((m) => m.monitorVersion === def?.version),
    `${id}: probe matched version ${fresh.map((m) => m.monitorVersion)}, in force v${def?.version}`,
  );
  const all = await matchesOf(id);
  const after = await api("GET", `/v1/monitors/${id}`);
  if (after.status === 200) {
    const state = after.json.state as { matchCount: number };
    check(state.matchCount === all.length, `${id}: matchCount ${state.matchCount}, ${all.length} matches listed`);
  }
}

async function snapshot(ids: string[]): Promise<string> {
  const parts = await Promise.all(ids.map(async (id) => [await api("GET", `/v1/monitors/${id}`), await matchesOf(id)]));
  return JSON.stringify(parts);
}

const scenarios = {
  expiryVsFact,
  concurrentPuts,
  conditionalPuts,
  retriedPut,
  putVsDelete,
  conditionalDelete,
  deleteTwice,
  recreateVsFact,
  disableVsUpdate,
};
const ids: string[] = [];
await startCounting();
for (let round = 0; round < ROUNDS; round++) {
  const tag = `${Date.now().toString(36)}-${round}`;
  const these = Object.keys(scenarios).map((name) => `${name}-${tag}`);
  await Promise.all(Object.values(scenarios).map((run, i) => run(these[i] as string)));
  await settle();
  for (const id of these) await agree(id);
  ids.push(...these);
  const [indexed, listed] = [(await shardTotals()).monitors, await listedCount()];
  check(indexed === listed, `round ${round}: shards index ${indexed} monitors, the registry lists ${listed}`);
  console.log(`round ${round}: ${problems.length} problems so far`);
}
const before = await snapshot(ids);
await rebuild();
check((await snapshot(ids)) === before, "a rebuild changed a read");
for (const p of problems) console.log(`PROBLEM ${p}`);
console.log(JSON.stringify({ rounds: ROUNDS, monitors: ids.length, problems: problems.length }));
process.exit(problems.length ? 1 : 0);
