/** Small models with answers known from outside the code, for tests and demos. */
export { blockingMutexModel } from "./blocking-mutex.js";
export { counterGridModel } from "./counter-grid.js";
export { lockOrderModel } from "./lock-order.js";
export { naiveMutexModel } from "./naive-mutex.js";
export { petersonModel } from "./peterson.js";
export { politeThreadsModel } from "./polite-threads.js";
export { spinlockModel } from "./spinlock.js";
export { tokenRingModel } from "./token-ring.js";
