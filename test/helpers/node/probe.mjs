// Run inside a node's network namespace: asks a URL until it answers 200, with backoff, and exits
// 0; exits 1 with the last answer once the deadline passes. Usage: probe.mjs URL DEADLINE_MS
// [CA_FILE TOKEN_FILE].
import { existsSync, readFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { get as httpsGet } from "node:https";

const [url, deadline, caFile, tokenFile] = process.argv.slice(2);
const request = url.startsWith("https:") ? httpsGet : httpGet;

function ask() {
  return new Promise((resolve) => {
    // The server writes its certificate as it starts: until then there is nothing to trust.
    if (caFile && !existsSync(caFile)) return resolve(`no ${caFile} yet`);
    const options = caFile ? { ca: readFileSync(caFile), headers: { Authorization: `Bearer ${readFileSync(tokenFile, "utf8").trim()}` } } : {};
    const req = request(url, options, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? "ok" : `HTTP ${res.statusCode}`);
    });
    req.on("error", (error) => resolve(error.code ?? error.message));
    req.setTimeout(5_000, () => req.destroy(new Error("timeout")));
  });
}

const started = Date.now();
let wait = 100;
for (;;) {
  const answer = await ask();
  if (answer === "ok") process.exit(0);
  if (Date.now() - started > Number(deadline)) {
    console.error(`${url} did not answer 200 within ${deadline} ms (last: ${answer})`);
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, wait));
  wait = Math.min(wait * 2, 1_000);
}
