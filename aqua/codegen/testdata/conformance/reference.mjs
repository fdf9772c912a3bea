// Drives the reference Aqua compiler (@fluencelabs/aqua-api 0.14.6 with
// aqua-lib 0.10.2) over Aqua programs, in one Node process.
//
//   node reference.mjs compile OUT FILE.aqua...
//       writes OUT/<program>/<function>.air for every exported function of
//       every program, the AIR text as the compiler gives it (what
//       `aquarium compile -o` writes). Exits 1 if any program fails to
//       compile, after compiling the others.
//   node reference.mjs bench FILE.aqua...
//       compiles all the programs a few times to warm up, then times
//       further rounds and prints one JSON line: {"files", "functions",
//       "rounds", "nsPerRound"}.
//
// The packages come from $AQUARIUM_REFERENCE_NODE_MODULES (a node_modules
// directory, as .ci/run installs it). A line "-- flags: --no-relay
// --no-xor" in a program passes those options, as regen.sh does.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const nodeModules = process.env.AQUARIUM_REFERENCE_NODE_MODULES;
if (!nodeModules) {
  console.error("reference.mjs: set AQUARIUM_REFERENCE_NODE_MODULES to a node_modules with @fluencelabs/aqua-api 0.14.6");
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(nodeModules), "resolve.js"));
const { compileFromString } = await import(pathToFileURL(require.resolve("@fluencelabs/aqua-api")).href);

// program reads a file and the compiler options its flags line asks for.
function program(file) {
  const code = fs.readFileSync(file, "utf8");
  const flags = (code.match(/^-- flags:(.*)$/m)?.[1] ?? "").trim().split(/\s+/);
  return {
    file,
    name: path.basename(file, ".aqua"),
    input: {
      code,
      targetType: "air",
      imports: [path.resolve(nodeModules), path.dirname(path.resolve(file))],
      constants: [],
      noRelay: flags.includes("--no-relay"),
      noXor: flags.includes("--no-xor"),
    },
  };
}

async function compileAll(out, files) {
  let failed = 0;
  for (const p of files.map(program)) {
    const r = await compileFromString(p.input);
    if (r.errors.length > 0) {
      console.error(`${p.file}: the reference compiler failed:\n${r.errors.join("\n")}`);
      failed++;
      continue;
    }
    const dir = path.join(out, p.name);
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, fn] of Object.entries(r.functions)) {
      fs.writeFileSync(path.join(dir, name + ".air"), fn.script);
    }
  }
  if (failed > 0) process.exit(1);
}

async function bench(files) {
  const programs = files.map(program);
  const round = async () => {
    let functions = 0;
    for (const p of programs) {
      const r = await compileFromString(p.input);
      if (r.errors.length > 0) throw new Error(`${p.file}: ${r.errors.join("\n")}`);
      functions += Object.keys(r.functions).length;
    }
    return functions;
  };
  // The compiler is JIT-compiled JavaScript: let it warm up first.
  for (let i = 0; i < 5; i++) await round();
  const rounds = 10;
  let functions = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) functions = await round();
  const ns = Number(process.hrtime.bigint() - start) / rounds;
  console.log(JSON.stringify({ files: programs.length, functions, rounds, nsPerRound: Math.round(ns) }));
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === "compile" && rest.length >= 1) {
  await compileAll(rest[0], rest.slice(1));
} else if (mode === "bench") {
  await bench(rest);
} else {
  console.error("usage: node reference.mjs compile OUT FILE.aqua... | bench FILE.aqua...");
  process.exit(2);
}
