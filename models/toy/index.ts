/**
 * Small models with answers known from outside the code, for tests and
 * demos, each a model of the declared-state layer (src/declared/): the
 * `…Model` functions give the model as written (states are records, as
 * tests read them), the `…Declaration` functions the declaration the
 * registry compiles.
 */
export { blockingMutexDeclaration, blockingMutexModel } from "./blocking-mutex.js";
export { counterGridDeclaration, counterGridModel } from "./counter-grid.js";
export { lockOrderDeclaration, lockOrderModel } from "./lock-order.js";
export { naiveMutexDeclaration, naiveMutexModel } from "./naive-mutex.js";
export { petersonDeclaration, petersonModel } from "./peterson.js";
export { politeThreadsDeclaration, politeThreadsModel } from "./polite-threads.js";
export { spinlockDeclaration, spinlockModel } from "./spinlock.js";
export { tokenRingDeclaration, tokenRingModel } from "./token-ring.js";
