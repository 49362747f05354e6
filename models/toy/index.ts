/** Small models with answers known from outside the code, for tests and demos. */
export { counterGridModel } from "./counter-grid.js";
export { lockOrderModel } from "./lock-order.js";
export { naiveMutexModel } from "./naive-mutex.js";
export { petersonModel } from "./peterson.js";
