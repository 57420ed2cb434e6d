// The flight entry contract: input on stdin, release and namespace the way yoke passes them,
// JSON on stdout, and on bad input one line on stderr, exit 1 and nothing on stdout.
import t from "tap";
import { runFlight, releaseFrom } from "../lib/flight/io.ts";
import { InputError, type Flight } from "../lib/flight/contract.ts";
import { Fields } from "../lib/flight/fields.ts";
import { fakeIO } from "./helpers/fake-io.ts";

const echo: Flight<{ size: number }> = {
  name: "echo",
  namespace: "echo-system",
  needs: [],
  notices: ["echo is a test flight"],
  parse(raw) {
    const root = Fields.root(raw);
    const input = { size: root.integer("size", 1, 1, 5) };
    root.done();
    return input;
  },
  render: (input, release) => [
    [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: release.name, namespace: release.namespace }, data: { size: String(input.size) } }],
  ],
};

t.test("release and namespace come from yoke's variables first", async (t) => {
  t.same(releaseFrom(fakeIO("", { YOKE_RELEASE: "a/b/lab", YOKE_NAMESPACE: "ns1", NAMESPACE: "ns2" }, "argv"), echo), { name: "lab", namespace: "ns1" });
  t.same(releaseFrom(fakeIO("", { NAMESPACE: "ns2" }, "argv"), echo), { name: "argv", namespace: "ns2" });
  t.same(releaseFrom(fakeIO(""), echo), { name: "echo", namespace: "echo-system" });
});

t.test("good input renders stages as JSON, notices go to stderr", async (t) => {
  const io = fakeIO('{"size": 3}', { YOKE_RELEASE: "mine", YOKE_NAMESPACE: "lab" });
  t.equal(runFlight(echo, io), 0);
  t.same(JSON.parse(io.stdout), [[{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "mine", namespace: "lab" }, data: { size: "3" } }]]);
  t.equal(io.stderr, "echo: echo is a test flight\n");
});

t.test("empty stdin means default input", async (t) => {
  const io = fakeIO("  \n");
  t.equal(runFlight(echo, io), 0);
  t.match(io.stdout, /"size": "1"/);
});

t.test("renderJson's pieces are written in order: small ones joined into one write, a large one on its own", async (t) => {
  const large = "x".repeat(1 << 16);
  const pieces = (input: { size: number }) => ["[[", `{"large":"${large}"}`, `,{"size":${input.size}}`, "]]"];
  const writes: string[] = [];
  const io = { ...fakeIO('{"size": 2}'), writeStdout: (text: string) => void writes.push(text) };
  t.equal(runFlight({ ...echo, notices: [], renderJson: pieces }, io), 0);
  t.same(writes, ["[[", `{"large":"${large}"}`, ',{"size":2}]]\n']);
  t.same(JSON.parse(writes.join("")), [[{ large }, { size: 2 }]]);
});

const bad: [string, string][] = [
  ['{"size": 9}', "echo: input.size: must be a whole number from 1 to 5"],
  ['{"size": "3"}', "echo: input.size: must be a whole number from 1 to 5"],
  ['{"colour": "red"}', "echo: input.colour: is not a known field"],
  ["[1, 2]", "echo: input must be a JSON object"],
  ["{size: 3}", "echo: stdin is not valid JSON"],
];
for (const [stdin, message] of bad) {
  t.test(`bad input ${stdin}`, async (t) => {
    const io = fakeIO(stdin);
    t.equal(runFlight(echo, io), 1);
    t.equal(io.stdout, "", "nothing on stdout");
    const lines = io.stderr.trimEnd().split("\n");
    t.equal(lines.length, 2, "the notice and exactly one error line");
    t.ok(lines[1]!.startsWith(message), `${lines[1]} starts with ${message}`);
  });
}

t.test("errors that are not input errors are not swallowed", async (t) => {
  const broken: Flight<unknown> = { ...echo, notices: [], parse: () => ({}), render: () => { throw new TypeError("bug"); } };
  t.throws(() => runFlight(broken, fakeIO("{}")), TypeError);
});

t.test("Fields reader names nested fields", async (t) => {
  const read = (raw: unknown) => {
    const root = Fields.root(raw);
    const result = root.objects("items", (item) => ({ tags: item.stringMap("tags"), kinds: item.strings("kinds", 1, { oneOf: ["a", "b"] }) }));
    root.done();
    return result;
  };
  t.same(read({ items: [{ tags: { x: "1" }, kinds: ["a"] }] }), [{ tags: { x: "1" }, kinds: ["a"] }]);
  const message = (raw: unknown) => {
    try {
      read(raw);
      return "no error";
    } catch (err) {
      return (err as InputError).message;
    }
  };
  t.equal(message({ items: [{ tags: { x: 1 }, kinds: ["a"] }] }), "input.items[0].tags.x: must be a string");
  t.equal(message({ items: [{ kinds: [] }] }), "input.items[0].kinds: must have at least 1 item");
  t.equal(message({ items: [{ kinds: ["c"] }] }), 'input.items[0].kinds[0]: must be one of a, b (got "c")');
  t.equal(message({ items: [{ kinds: ["a"], extra: true }] }), "input.items[0].extra: is not a known field");
  t.equal(message({ items: {} }), "input.items: must be a list");
});
