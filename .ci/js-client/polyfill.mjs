// js-client 0.9.0's libp2p dependencies expect Node 22; Node 20 lacks
// Promise.withResolvers. Import this module before js-client: ES modules
// run their imports in order, so it is in place when js-client loads.
if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function () {
    let resolve, reject;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
