// Imports the module `aquarium compile --target js` wrote for
// module.aqua and, through the real js-client 0.9, registers its
// service and calls its functions on an Aquarium node.
//
//   node test.mjs --module DIR/module.js --relay /ip4/127.0.0.1/tcp/PORT/ws/p2p/ID
//
// js-client comes from $AQUARIUM_REFERENCE_NODE_MODULES, which DIR must
// resolve too (the module imports '@fluencelabs/js-client'). Prints one
// line per call and exits 1 if any failed.

// Before js-client: Node 20 lacks what its dependencies expect.
import "../js-client/polyfill.mjs";

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isDeepStrictEqual, parseArgs } from "node:util";

const { values: opts } = parseArgs({
  options: { module: { type: "string" }, relay: { type: "string" }, ttl: { type: "string", default: "10000" } },
});
const nodeModules = process.env.AQUARIUM_REFERENCE_NODE_MODULES;
if (!opts.module || !opts.relay || !nodeModules) {
  console.error("usage: AQUARIUM_REFERENCE_NODE_MODULES=DIR node test.mjs --module FILE.js --relay MULTIADDR");
  process.exit(2);
}
const { Fluence } = await import(pathToFileURL(resolve(nodeModules, "@fluencelabs/js-client/dist/index.js")).href);
const generated = await import(pathToFileURL(resolve(opts.module)).href);

const ttl = Number(opts.ttl);
await Fluence.connect(opts.relay, { defaultTtlMs: ttl, connectionOptions: { dialTimeoutMs: 5000 } });
const client = Fluence.getClient();
const me = client.getPeerId();
const relay = opts.relay.split("/p2p/").pop();

let failed = 0;
async function check(name, call, want) {
  const t0 = Date.now();
  try {
    const got = await call();
    const ok = isDeepStrictEqual(got, want);
    if (!ok) failed++;
    console.log(`${ok ? "ok  " : "FAIL"} ${name} (${Date.now() - t0} ms)${ok ? "" : `: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name} (${Date.now() - t0} ms): ${e?.message ?? JSON.stringify(e)}`);
  }
}

// The service under its default id, then under another on the client
// given explicitly: the overloads the module declares.
generated.registerGreeter({
  greet: (name, loud, callParams) => (loud ? name.toUpperCase() : name) + " from " + callParams.initPeerId.slice(-4),
});
await check(
  "greetVia: a struct back, the service called on this client",
  () => generated.greetVia("module", true, { ttl }),
  { text: "HELLO, MODULE from " + me.slice(-4), relay, hops: [relay, me] },
);
await check("greetVia with the client first", () => generated.greetVia(client, "again", false), {
  text: "hello, again from " + me.slice(-4),
  relay,
  hops: [relay, me],
});
await check("sum: an array and an option in, two results out", () => generated.sum([40, 2], 7), [42, 1]);
await check("sum with an empty option", () => generated.sum([1, 2], null), [3, 0]);

await Fluence.disconnect();
process.exit(failed > 0 ? 1 : 0);
