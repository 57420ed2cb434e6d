// Every hangar entry point runs the command line bundled in dist/cli/ (scripts/build.mjs;
// npm ci builds it): one file to load instead of hundreds, so the command starts fast.
const bundle = new URL("../dist/cli/main.js", import.meta.url);

export async function commandLine() {
  try {
    return await import(bundle.href);
  } catch (err) {
    if (err.code === "ERR_MODULE_NOT_FOUND" && String(err.message).includes("dist/cli/main.js")) {
      process.stderr.write("hangar is not built (dist/cli/main.js is missing); run npm ci or npm run build\n");
      process.exit(1);
    }
    throw err;
  }
}
