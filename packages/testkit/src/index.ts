export { freePort, waitFor } from './ports';
export { startMosquitto, MOSQUITTO_QUEUE_CONFIG, MOSQUITTO_AVAILABLE } from './mosquitto';
export type { MosquittoHandle } from './mosquitto';
export { startAedes } from './aedes';
export type { AedesHandle } from './aedes';
export { TcpProxy } from './tcp-proxy';
export { signedInCookie } from './sign-in';
