// Services for the reference runs of the acceptance cases (the fourth
// argument of `oracle run`): the JavaScript stubs that §3.3 of the
// reference notes lists. acceptance_test.go implements the same services
// in Go for our network; keep the two in step.

// yesno.get answers "yes" three times in a particle, then "no".
const asked = new Map();

export const services = {
  greetings: { addNameToHello: (name) => `Hello, ${name}!` },
  "test-srv": { str: () => "some str" },
  "node-getter": { get: () => ({ peerId: "peer id str", name: "name str" }) },
  getter: { createStr: (n) => "" + n },
  a: { getJ: (n) => n },
  "test-service": {
    call: (s) => {
      if (s === "fail") throw new Error("failed on purpose");
      return s;
    },
  },
  stringer: { returnString: (s) => s + " updated" },
  "multi-ret": { retStr: (s) => s, retNum: () => 10 },
  "opt-getter": { getStr: (s) => s, getStr1: () => "optional" },
  nested: {
    test1: () => ({ one: { val: "hello" } }),
    test2: (arg, s) => ({ one: { val: arg.val + s } }),
  },
  "some-service": { getStr: (s) => s + "123" },
  "default-id": { call: () => "default-id" },
  "resolved-id": { call: () => "resolved-id" },
  prefixer: { call: (s) => "call: " + s },
  yesno: {
    get: (ctx) => {
      const n = (asked.get(ctx.particleId) ?? 0) + 1;
      asked.set(ctx.particleId, n);
      return n <= 3 ? "yes" : "no";
    },
  },
  "op-a": { get_str: () => "get_string" },
  // The services of cases/modules.json and cases/bools.json.
  "super-foo": { small_foo: () => "small_foo" },
  joiner: { concat: (a, b) => a + b },
  checker: {
    check: (what) => {
      if (what !== "true") throw new Error(`checked ${what}, which || and && should have skipped`);
      return true;
    },
  },
};

// Arrow-typed arguments, by the name used in the call.
export const callbacks = {
  log: () => null,
};

// whoami.id on every peer answers that peer's id.
export function setup({ client, clientId, network, registerServices }) {
  registerServices(client, { whoami: { id: () => clientId } });
  for (const [peerId, peer] of network.peers) {
    registerServices(peer, { whoami: { id: () => peerId } });
  }
}
