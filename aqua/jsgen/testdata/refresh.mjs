// Writes the modules the reference compiler (@fluencelabs/aqua-api
// 0.14.6, from $AQUARIUM_REFERENCE_NODE_MODULES) generates for the Aqua
// programs of a corpus, targets "js" and "ts", into NAME.txtar.gz: the
// golden files of TestReference.
//
//   node refresh.mjs NAME DIR     (from aqua/jsgen/testdata)
//
// A line "-- flags: --no-relay --no-xor" in a program passes those
// options, as the AIR conformance corpus does.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const nodeModules = process.env.AQUARIUM_REFERENCE_NODE_MODULES;
const [name, dir] = process.argv.slice(2);
if (!nodeModules || !name || !dir) {
  console.error("usage: AQUARIUM_REFERENCE_NODE_MODULES=DIR node refresh.mjs NAME DIR");
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(nodeModules), "resolve.js"));
const { compileFromPath } = await import(pathToFileURL(require.resolve("@fluencelabs/aqua-api")).href);

const header =
  'Modules written by @fluencelabs/aqua-api 0.14.6 (targets "js" and "ts") for the\n' +
  "Aqua programs of one corpus; each file ends with one newline more than the module.\n";
const files = [];
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".aqua")).sort()) {
  const filePath = path.join(dir, file);
  const flags = (fs.readFileSync(filePath, "utf8").match(/^-- flags:(.*)$/m)?.[1] ?? "").trim().split(/\s+/);
  const base = path.basename(file, ".aqua");
  for (const targetType of ["js", "ts"]) {
    const r = await compileFromPath({
      filePath,
      targetType,
      imports: [path.resolve(nodeModules), path.resolve(dir)],
      noRelay: flags.includes("--no-relay"),
      noXor: flags.includes("--no-xor"),
    });
    if (r.errors.length > 0) {
      console.error(`${filePath}: the reference compiler failed:\n${r.errors.join("\n")}`);
      process.exit(1);
    }
    for (const g of r.generatedSources) {
      if (targetType === "ts") files.push([base + ".ts", g.tsSource]);
      else files.push([base + ".js", g.jsSource], [base + ".d.ts", g.tsTypes]);
    }
  }
}
const archive = header + files.map(([n, text]) => `-- ${n} --\n${text}\n`).join("");
fs.writeFileSync(name + ".txtar.gz", zlib.gzipSync(archive, { level: 9 }));
console.log(`${name}.txtar.gz: ${files.length} files`);
