/** True for hosts only this machine can reach (core's rule, shared with the mount's Host allow-list). */
export { isLoopbackHost } from '@dango/core/lite';
