// Records golden.json: the results of the cases of cases.mjs on the
// reference runtime (the `oracle` tool: the Aqua compiler aqua-api, and
// js-client's network of peers running avm.wasm), with peer ids turned
// back into placeholders.
//
//   node record.mjs PATH/TO/oracle
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { cases, reverse } from "./cases.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const oracle = process.argv[2];
if (!oracle) {
  console.error("usage: node record.mjs PATH/TO/oracle");
  process.exit(2);
}

function run(args, input) {
  const r = spawnSync(oracle, args, { input, encoding: "utf8", stdio: ["pipe", "pipe", "inherit"] });
  if (r.status !== 0) throw new Error(`oracle ${args.join(" ")} exited with ${r.status}`);
  return r.stdout;
}

const ids = JSON.parse(run(["run", "--peers", "--npeers", "2"]));
const toOracle = { $RELAY: "$RELAY", $OTHER: "$PEER1", $CLIENT: "$CLIENT" };
const fromOracle = [[ids.relay, "$RELAY"], [ids.peers[1], "$OTHER"], [ids.client, "$CLIENT"]];
const subst = (v) => (typeof v === "string" && v in toOracle ? toOracle[v] : v);
const placeholders = (v) => JSON.parse(fromOracle.reduce((s, [id, name]) => s.split(id).join(name), JSON.stringify(v)));

const tmp = mkdtempSync(join(tmpdir(), "aquarium-golden-"));
const services = join(tmp, "services.mjs");
writeFileSync(services, `import { greeter } from ${JSON.stringify(pathToFileURL(join(here, "cases.mjs")).href)};\nexport const services = { greeter };\n`);

const all = [...cases, reverse];
const jobs = all.map((c) => JSON.stringify({
  file: join(here, "acceptance.aqua"),
  call: `${c.fn}(${c.args.map((a) => JSON.stringify(subst(a))).join(", ")})`,
  services: c === reverse ? services : undefined,
}));
let lines;
try {
  lines = run(["run", "--npeers", "2", "--js", "--batch", "-"], jobs.join("\n") + "\n").trim().split("\n");
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
const results = lines.map((l) => JSON.parse(l));
all.forEach((c, i) => {
  if (!("ok" in results[i])) throw new Error(`${c.name}: ${JSON.stringify(results[i])}`);
  c.want = placeholders(results[i].ok);
  if (c.unordered) c.want[0].sort();
});
const golden = {
  recorded: "with the reference runtime: aqua-api 0.14.6, js-client 0.9.0 peers running avm.wasm 0.62.0",
  cases,
  reverse,
};
writeFileSync(join(here, "golden.json"), JSON.stringify(golden, null, 2) + "\n");
console.error(`recorded ${all.length} results in golden.json`);
