export { runContract, VARIANTS } from './run-contract';
export { HOST_ROUTES, once, serveMiddlewareHost, type HostSetup, type MountedMiddleware, type HostVariant, type MakeHost, type RunningHost } from './host';
export { attachHostSocket, createHostSocket, HOST_WS_PATH, type HostSocket } from './host-socket';
export { closeServer, listen } from './upstream';
export { copyDemoProject, DEMO_PROJECT, smokeTestExample, type ExampleApp } from './example-smoke';
