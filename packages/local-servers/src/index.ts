export { EmbeddedPostgres } from './embedded-postgres';
export type { EmbeddedPostgresOptions } from './embedded-postgres';
export { startEmbeddedBroker } from './embedded-broker';
export type { EmbeddedBroker } from './embedded-broker';
