// The calls the js-client acceptance test makes, with their arguments.
// Peer ids are placeholders: $RELAY (the node the client connects to),
// $OTHER (a second node) and $CLIENT (the js-client peer itself).
// record.mjs runs them on the reference runtime into golden.json;
// test.mjs runs them on Aquarium's nodes and compares.
export const cases = [
  { name: "op.identity on the relay", fn: "identityOnRelay", args: ["hi"] },
  { name: "Peer.identify on the relay", fn: "identify", args: [] },
  { name: "on other via relay", fn: "onOtherViaRelay", args: ["$OTHER"] },
  // the branches finish in either order
  { name: "par/join across two nodes", fn: "parJoin", args: ["$RELAY", "$OTHER"], unordered: true },
  { name: "a stream folded on the client", fn: "foldOnClient", args: [["a", "b", "c"], "$OTHER"] },
  { name: "try/catch around a missing service", fn: "tryMissing", args: [] },
];

// The other direction: a peer that is not js-client (aquarium run) calls
// the Greeter service the js-client peer registered.
export const reverse = { name: "aquarium run calls a js-client service", fn: "greetVia", args: ["$CLIENT", "aquarium"] };

// greeter implements the Greeter service of acceptance.aqua.
export const greeter = { hello: (name) => `hello, ${name}` };
