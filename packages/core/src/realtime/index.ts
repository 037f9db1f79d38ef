export { createWsHub, type WsHub, type WsHubOptions } from './ws-hub';
