export { hashMqttPassword, verifyMqttPassword, MQTT_PBKDF2_ITERATIONS } from './mqtt-password';
export {
  topicMatches,
  filterCovers,
  rightsOf,
  mayPublish,
  maySubscribe,
  renderMosquittoPasswd,
  renderMosquittoAcl,
} from './mqtt-acl';
export type { MqttPrincipal, MqttRights, MqttService } from './mqtt-acl';
