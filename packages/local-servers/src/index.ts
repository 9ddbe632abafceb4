export { EmbeddedPostgres } from './embedded-postgres';
export type { EmbeddedPostgresOptions } from './embedded-postgres';
export { startEmbeddedBroker, brokerAuthHooks } from './embedded-broker';
export type { EmbeddedBroker, BrokerAuth, BrokerDenial } from './embedded-broker';
