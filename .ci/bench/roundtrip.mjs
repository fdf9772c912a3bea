// Times round trips of the real js-client (@fluencelabs/js-client 0.9.0)
// through one relay: identityOnRelay of .ci/js-client/acceptance.aqua,
// compiled by the reference compiler, goes from the client to the relay
// (op.identity) and back, one call at a time. (Calls in flight together
// are not timed: with 16 at once, js-client 0.9.0 reports "Could not send
// particle" for some, on either interpreter of the relay.)
//
//   node roundtrip.mjs --relay /ip4/127.0.0.1/tcp/PORT/ws/p2p/ID [--calls N]
//
// Prints one JSON line: {"calls", "medianNs"}, the median of the calls
// after 20 that warm up. Exits 1 if a call fails or answers wrongly. The
// packages come from $AQUARIUM_REFERENCE_NODE_MODULES.

// Before js-client: Node 20 lacks what its dependencies expect.
import "../js-client/polyfill.mjs";

import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const { values: opts } = parseArgs({
  options: {
    relay: { type: "string" },
    calls: { type: "string", default: "200" },
  },
});
const nodeModules = process.env.AQUARIUM_REFERENCE_NODE_MODULES;
if (!opts.relay || !nodeModules) {
  console.error("usage: AQUARIUM_REFERENCE_NODE_MODULES=DIR node roundtrip.mjs --relay MULTIADDR [--calls N]");
  process.exit(2);
}
const calls = Number(opts.calls);
// A round trip on a loaded machine can take seconds; one that takes this
// long has failed.
const ttl = 60000;

const { Fluence, v5_callFunction } = await import(
  pathToFileURL(resolve(nodeModules, "@fluencelabs/js-client/dist/index.js")).href
);
const { compileFromPath } = await import(pathToFileURL(resolve(nodeModules, "@fluencelabs/aqua-api/index.js")).href);

const compiled = await compileFromPath({ filePath: join(here, "..", "js-client", "acceptance.aqua"), imports: [nodeModules] });
if (compiled.errors.length > 0) {
  console.error(compiled.errors.join("\n"));
  process.exit(1);
}
const fn = compiled.functions.identityOnRelay;

await Fluence.connect(opts.relay, { defaultTtlMs: ttl, connectionOptions: { dialTimeoutMs: 5000 } });

// call makes one round trip and checks its answer.
let n = 0;
async function call() {
  const s = `hi ${n++}`;
  const got = await v5_callFunction([s, { ttl }], fn.funcDef, fn.script);
  if (got !== s) throw new Error(`identityOnRelay(${JSON.stringify(s)}) = ${JSON.stringify(got)}`);
}

let status = 0;
try {
  // Warm up the connection, both runtimes and the JIT.
  for (let i = 0; i < 20; i++) await call();

  const times = [];
  for (let i = 0; i < calls; i++) {
    const t0 = process.hrtime.bigint();
    await call();
    times.push(Number(process.hrtime.bigint() - t0));
  }
  times.sort((a, b) => a - b);
  const median = calls % 2 ? times[(calls - 1) / 2] : (times[calls / 2 - 1] + times[calls / 2]) / 2;

  console.log(JSON.stringify({ calls, medianNs: Math.round(median) }));
} catch (e) {
  console.error(e?.message ?? JSON.stringify(e));
  status = 1;
}
await Fluence.disconnect();
process.exit(status);
