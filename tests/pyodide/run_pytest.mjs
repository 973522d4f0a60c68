// Run pytest inside Pyodide under node: node run_pytest.mjs INDEX_URL CHECKOUT WHEEL... -- PYTEST_ARGS...
// The checkout is mounted read-only in spirit (NODEFS at /repo): no bytecode is written to it, and
// hypothesis keeps its database in /tmp, in memory.
import fs from "node:fs";
import path from "node:path";

const argv = process.argv.slice(2);
const [indexURL, checkout] = argv;
const wheels = argv.slice(2, argv.indexOf("--"));
const pytestArgs = argv.slice(argv.indexOf("--") + 1);

const started = Date.now();
const { loadPyodide } = await import(path.join(indexURL, "pyodide.mjs"));
const pyodide = await loadPyodide({ indexURL });
await pyodide.loadPackage(["packaging", "pygments"]);  // from the Pyodide folder: pytest needs them
for (const wheel of wheels) {
  // unpackArchive refuses a node Buffer: it wants a Uint8Array
  pyodide.unpackArchive(new Uint8Array(fs.readFileSync(wheel)), "wheel",
                        { extractDir: "/lib/python3.14/site-packages" });
}
pyodide.FS.mkdirTree("/repo");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: checkout }, "/repo");
console.log(`Pyodide ${pyodide.version} ready in ${(Date.now() - started) / 1000} s`);
pyodide.globals.set("PYTEST_ARGS", pyodide.toPy(pytestArgs));
const status = pyodide.runPython(`
import os, sys
print("sys.platform =", sys.platform, flush=True)
sys.dont_write_bytecode = True
os.chdir("/tmp")
sys.path.insert(0, "/repo")
import pytest
int(pytest.main(["-p", "no:cacheprovider", "-o", "addopts=", "--rootdir", "/repo", *PYTEST_ARGS]))
`);
console.log(`pytest exit status ${status} after ${(Date.now() - started) / 1000} s`);
process.exit(status);
