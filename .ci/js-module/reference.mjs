// Writes the modules the reference compiler (@fluencelabs/aqua-api
// 0.14.6 from $AQUARIUM_REFERENCE_NODE_MODULES) generates for Aqua
// programs: OUT/NAME.js and OUT/NAME.d.ts (target "js") and OUT/NAME.ts
// (target "ts"), what `aquarium compile --target js|ts -o OUT` writes.
//
//   node reference.mjs OUT FILE.aqua...
//
// A line "-- flags: --no-relay --no-xor" in a program passes those
// options. Exits 1 if any program fails to compile, after the others.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const nodeModules = process.env.AQUARIUM_REFERENCE_NODE_MODULES;
const [out, ...files] = process.argv.slice(2);
if (!nodeModules || !out) {
  console.error("usage: AQUARIUM_REFERENCE_NODE_MODULES=DIR node reference.mjs OUT FILE.aqua...");
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(nodeModules), "resolve.js"));
const { compileFromPath } = await import(pathToFileURL(require.resolve("@fluencelabs/aqua-api")).href);

fs.mkdirSync(out, { recursive: true });
let failed = 0;
for (const filePath of files) {
  const flags = (fs.readFileSync(filePath, "utf8").match(/^-- flags:(.*)$/m)?.[1] ?? "").trim().split(/\s+/);
  const base = path.basename(filePath, ".aqua");
  for (const targetType of ["js", "ts"]) {
    const r = await compileFromPath({
      filePath,
      targetType,
      imports: [path.resolve(nodeModules), path.dirname(path.resolve(filePath))],
      noRelay: flags.includes("--no-relay"),
      noXor: flags.includes("--no-xor"),
    });
    if (r.errors.length > 0) {
      console.error(`${filePath}: the reference compiler failed:\n${r.errors.join("\n")}`);
      failed++;
      break;
    }
    for (const g of r.generatedSources) {
      if (targetType === "ts") fs.writeFileSync(path.join(out, base + ".ts"), g.tsSource);
      else {
        fs.writeFileSync(path.join(out, base + ".js"), g.jsSource);
        fs.writeFileSync(path.join(out, base + ".d.ts"), g.tsTypes);
      }
    }
  }
}
process.exit(failed > 0 ? 1 : 0);
