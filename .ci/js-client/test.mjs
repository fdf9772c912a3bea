// Connects the real js-client to Aquarium nodes over WebSocket, one after
// the other, calls the functions of acceptance.aqua compiled by the
// reference compiler (aqua-api), and compares the results with those the
// reference runtime gave (golden.json). Then the other direction: `aquarium
// run` calls a service this js-client peer registered.
//
//   node test.mjs --relay /ip4/127.0.0.1/tcp/PORT/ws/p2p/ID [--label NAME] \
//                 [--relay ... --label ...] --other PEER_ID --aquarium BIN \
//                 [--interpreter native|avm.wasm]
//
// --other is a node every relay reaches. The packages come from
// $AQUARIUM_REFERENCE_NODE_MODULES. Prints one line per call and exits 1
// if any failed.

// Before js-client: Node 20 lacks what its dependencies expect.
import "./polyfill.mjs";

import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isDeepStrictEqual, parseArgs, promisify } from "node:util";
import { greeter } from "./cases.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const { values: opts } = parseArgs({
  options: {
    relay: { type: "string", multiple: true },
    other: { type: "string" },
    aquarium: { type: "string" },
    interpreter: { type: "string", default: "native" },
    label: { type: "string", multiple: true, default: [] },
    ttl: { type: "string", default: "10000" },
  },
});
if (!opts.relay || !opts.other || !opts.aquarium) {
  console.error("usage: node test.mjs --relay MULTIADDR [--label NAME] ... --other PEER_ID --aquarium BIN [--interpreter NAME]");
  process.exit(2);
}
const nodeModules = process.env.AQUARIUM_REFERENCE_NODE_MODULES;
if (!nodeModules) {
  console.error("set AQUARIUM_REFERENCE_NODE_MODULES to the node_modules holding @fluencelabs/js-client and aqua-api");
  process.exit(2);
}
const ttl = Number(opts.ttl);

const { Fluence, v5_callFunction, v5_registerService } = await import(
  pathToFileURL(resolve(nodeModules, "@fluencelabs/js-client/dist/index.js")).href
);
const { compileFromPath } = await import(pathToFileURL(resolve(nodeModules, "@fluencelabs/aqua-api/index.js")).href);

const aquaFile = join(here, "acceptance.aqua");
const compiled = await compileFromPath({ filePath: aquaFile, imports: [nodeModules] });
if (compiled.errors.length > 0) {
  console.error(compiled.errors.join("\n"));
  process.exit(1);
}
const golden = JSON.parse(readFileSync(join(here, "golden.json"), "utf8"));

let failed = 0;
let label = "";
const report = (name, ok, ms, detail) => {
  if (!ok) failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${label}${name} (${ms} ms)${detail ? ": " + detail : ""}`);
};

// run connects to relay and makes every call; it returns how many failed.
async function run(relay) {
  failed = 0;
  const started = Date.now();
  const relayId = relay.split("/p2p/").pop();

  await Fluence.connect(relay, { defaultTtlMs: ttl, connectionOptions: { dialTimeoutMs: 5000 } });
  const clientId = Fluence.getClient().getPeerId();
  console.log(`${label}js-client ${clientId} connected to ${relay} in ${Date.now() - started} ms`);

  const ids = { $RELAY: relayId, $OTHER: opts.other, $CLIENT: clientId };
  const subst = (v) => (typeof v === "string" && v in ids ? ids[v] : Array.isArray(v) ? v.map(subst) : v);
  const placeholders = (v) =>
    JSON.parse(Object.entries(ids).reduce((s, [name, id]) => s.split(id).join(name), JSON.stringify(v)));

  // When the first call fails, the others would only wait out their TTLs.
  const firstFailed = () => failed > 0 && ran === 1;
  let ran = 0;
  for (const c of golden.cases) {
    if (firstFailed()) break;
    ran++;
    const fn = compiled.functions[c.fn];
    const t0 = Date.now();
    try {
      let got = placeholders(await v5_callFunction([...subst(c.args), { ttl }], fn.funcDef, fn.script));
      if (c.unordered) got[0].sort();
      const ok = isDeepStrictEqual(got, c.want);
      report(c.name, ok, Date.now() - t0, ok ? "" : `got ${JSON.stringify(got)}, want ${JSON.stringify(c.want)}`);
    } catch (e) {
      report(c.name, false, Date.now() - t0, e?.message ?? JSON.stringify(e));
    }
  }

  // Calls in flight together: 64 round trips through the relay, 16 at a
  // time, each answering its own argument. (A relay that took a busy
  // js-client for a dead link once closed its connection here.)
  if (!firstFailed()) {
    const fn = compiled.functions.identityOnRelay;
    const t0 = Date.now();
    try {
      for (let i = 0; i < 64; i += 16) {
        await Promise.all(Array.from({ length: 16 }, async (_, j) => {
          const s = `in flight ${i + j}`;
          const got = await v5_callFunction([s, { ttl }], fn.funcDef, fn.script);
          if (got !== s) throw new Error(`identityOnRelay(${JSON.stringify(s)}) = ${JSON.stringify(got)}`);
        }));
      }
      report("64 round trips, 16 in flight", true, Date.now() - t0);
    } catch (e) {
      report("64 round trips, 16 in flight", false, Date.now() - t0, e?.message ?? JSON.stringify(e));
    }
  }

  // The other direction: aquarium run, a client of the same relay, calls the
  // service this peer registered.
  v5_registerService([greeter], compiled.services.Greeter);
  if (firstFailed()) {
    console.log(`skip ${label}the other ${golden.cases.length} calls: the first one failed`);
    failed = golden.cases.length + 2;
  } else {
    const c = golden.reverse;
    const [peer, name] = subst(c.args);
    const t0 = Date.now();
    try {
      const { stdout } = await promisify(execFile)(opts.aquarium, [
        "run", aquaFile, "-I", nodeModules, "--relay", relay, "--interpreter", opts.interpreter,
        "--ttl", `${ttl}ms`, "-f", `${c.fn}(peer, name)`, "--data", JSON.stringify({ peer, name }),
      ]);
      const got = placeholders(JSON.parse(stdout));
      const ok = isDeepStrictEqual(got, c.want);
      report(c.name, ok, Date.now() - t0, ok ? "" : `got ${JSON.stringify(got)}, want ${JSON.stringify(c.want)}`);
    } catch (e) {
      report(c.name, false, Date.now() - t0, (e?.stderr || e?.stdout || e?.message || String(e)).trim());
    }
  }
  await Fluence.disconnect();
  const total = golden.cases.length + 2;
  console.log(`${label}${total - failed} of ${total} passed in ${Date.now() - started} ms`);
  return failed;
}

let failures = 0;
for (const [i, relay] of opts.relay.entries()) {
  label = `${opts.label[i] ?? `relay ${i}`}: `;
  failures += await run(relay);
}
process.exit(failures > 0 ? 1 : 0);
