// Services for the reference runs of the conformance corpus (the fourth
// argument of `oracle run`). conformance_test.go implements the same
// services in Go for our network; keep the two in step.

const store = new Map();
const kv = (id) => ({
  put: (key, value) => { store.set(id + "/" + key, value); return null; },
  get: (key) => (store.has(id + "/" + key) ? [store.get(id + "/" + key)] : []),
});

// On the client.
export const services = {
  failing: {
    fail: (msg) => { throw new Error("boom: " + msg); },
    ok: (msg) => "ok: " + msg,
  },
  greeter: {
    greet: (name, loud) => (loud ? name.toUpperCase() + "!" : "hello, " + name),
  },
  kv: kv("kv"),
  kv2: kv("kv2"),
};

// Arrow-typed arguments, by the name used in the call.
export const callbacks = {
  cb: (s) => s.toUpperCase(),
};

// whoami.id on every peer, the client included, answers that peer's id.
export function setup({ client, clientId, network, registerServices }) {
  registerServices(client, { whoami: { id: () => clientId } });
  for (const [peerId, peer] of network.peers) {
    registerServices(peer, { whoami: { id: () => peerId } });
  }
}
